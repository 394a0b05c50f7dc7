// footprint.js gives the numbers src/aifootprint/model/footprint.py gives (tests/test_footprint.py).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { equivalentNumber, formatCo2, formatEnergy, formatNumber, formatWater } from '../../extension/format.js';
import { equivalents, impactOf, summarize, unitImpact } from '../../extension/footprint.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const factors = JSON.parse(fs.readFileSync(path.join(ROOT, 'extension', 'shared_factors.json'), 'utf8'));
const near = (actual, expected) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);

test('factors_copy_in_the_extension_matches_the_repo_file', () => {
  const source = fs.readFileSync(path.join(ROOT, 'shared_factors.json'));
  const copy = fs.readFileSync(path.join(ROOT, 'extension', 'shared_factors.json'));
  assert.ok(source.equals(copy), 'run: python3 scripts/sync_shared.py');
});

test('one_prompt_is_4_wh_1_g_16_ml_in_the_default_profile', () => {
  const prompt = unitImpact(factors, 'prompt');
  assert.equal(prompt.energy_wh.central, 4);
  near(prompt.co2_g.central, 1);
  near(prompt.water_ml.central, 16);
});

test('one_image_is_8_5_wh_2_125_g_34_ml_in_the_default_profile', () => {
  const image = unitImpact(factors, 'image');
  assert.equal(image.energy_wh.central, 8.5);
  near(image.co2_g.central, 2.125);
  near(image.water_ml.central, 34);
});

test('range_uses_the_water_spread_beyond_the_location', () => {
  const prompt = unitImpact(factors, 'prompt');
  near(prompt.energy_wh.low, 2.9);
  near(prompt.water_ml.low, 2.9 * 1.8);
  near(prompt.water_ml.high, 4 * 12.075);
  near(prompt.co2_g.low, 2.9 * 0.25);
});

test('france_and_us_follow_their_grid_intensity', () => {
  near(unitImpact(factors, 'prompt', undefined, 'FR').co2_g.central, 0.228);
  near(unitImpact(factors, 'prompt', undefined, 'US').co2_g.central, 1.716);
});

test('summary_of_2_prompts_and_1_image', () => {
  const summary = summarize(factors, { prompts: 2, images: 1 });
  near(summary.energy_wh, 16.5);
  near(summary.co2_g, 4.125);
  near(summary.water_ml, 66);
  assert.ok(summary.range.energy_wh.low < 16.5 && 16.5 <= summary.range.energy_wh.high);
});

test('po_teacher_day_equivalents_match_the_report', () => {
  const found = equivalents(factors, impactOf(factors, { prompts: 10, images: 0 }));
  assert.deepEqual(found.map((e) => e.key), ['phone_charges', 'car_metres', 'glasses']);
  assert.deepEqual(found.map((e) => equivalentNumber(e.amount, 'en', e.key)), ['3.1', '67', '1']);
  assert.equal(equivalentNumber(found[0].amount, 'nl'), '3,1');
});

test('vo_class_day_equivalents_match_the_report', () => {
  const found = equivalents(factors, impactOf(factors, { prompts: 260, images: 125 }));
  assert.deepEqual(found.map((e) => e.key), ['whiteboard_hours', 'car_km', 'drinking_water_people']);
  assert.deepEqual(found.map((e) => equivalentNumber(e.amount, 'en', e.key)), ['15', '3.5', '4']);
});

test('national_scale_uses_households_cars_and_yearly_water', () => {
  const found = equivalents(factors, impactOf(factors, { prompts: 1e9, images: 0 }));
  assert.deepEqual(found.map((e) => e.key), ['household_years', 'car_years', 'household_water_years']);
  // households, cars and people are whole, as footprint.py prints them
  assert.deepEqual(found.map((e) => equivalentNumber(e.amount, 'en', e.key)), ['1,600', '610', '337']);
});

test('numbers_print_as_the_daemon_prints_them', () => {
  assert.equal(formatNumber(1440, 'nl'), '1.440');
  assert.equal(formatNumber(1440, 'en'), '1,440');
  assert.equal(formatEnergy(2103, 'en'), '2.1 kWh');
  assert.equal(formatWater(8400, 'nl'), '8,4 L');
  assert.equal(formatCo2(1, 'en'), '1 g CO2');
  assert.equal(formatNumber(0.24, 'nl'), '0,24');
  assert.equal(formatNumber(0, 'en'), '0');
  // Half up, like formatting.py: the report's 2,102.5 Wh and 522.5 g.
  assert.equal(formatNumber(2102.5, 'nl'), '2.103');
  assert.equal(formatNumber(522.5, 'en'), '523');
  assert.equal(formatNumber(1234567.8, 'en'), '1,234,568');
});

// Videos: the table's video factor (Wh per clip, the same under every profile). A table
// without one (an older copy) counts videos but adds nothing, and the summary says so.
const withVideo = (video) => {
  const copy = structuredClone(factors);
  if (video) copy.video = video; else delete copy.video;
  return copy;
};

test('videos_without_a_video_factor_add_nothing_and_are_flagged', () => {
  const summary = summarize(withVideo(null), { prompts: 1, images: 0, videos: 2 });
  near(summary.energy_wh, 4);
  assert.equal(summary.videos, 2);
  assert.equal(summary.videos_without_factor, true);
});

test('videos_use_the_tables_cited_factor_under_every_profile', () => {
  for (const profile of Object.keys(factors.profiles)) {
    const summary = summarize(factors, { prompts: 0, images: 0, videos: 2 }, profile);
    near(summary.energy_wh, 2 * factors.video.central);
    assert.equal(summary.videos_without_factor, false);
  }
});

test('a_video_factor_per_clip_multiplies_the_clips', () => {
  const table = withVideo({ low: 10, central: 100, high: 1000 });
  const summary = summarize(table, { prompts: 0, images: 0, videos: 3, video_seconds: 30, videos_timed: 3 });
  near(summary.energy_wh, 300);
  near(summary.range.energy_wh.low, 30);
  near(summary.range.energy_wh.high, 3000);
  near(summary.co2_g, 300 * 0.25);
  assert.equal(summary.videos_without_factor, false);
});
