// The background's caps (extension/caps.js): per message, per tab per minute and for all
// tabs per minute, over a storage that behaves like chrome.storage; and the model shape.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CAPS, CAP_WINDOW_MS, createCaps, validModel } from '../../extension/caps.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

function memoryStorage() {
  const data = new Map();
  return {
    async get(keys) {
      return Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, JSON.parse(data.get(k))]));
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, JSON.stringify(v));
    },
  };
}

function setup() {
  let clock = new Date(2026, 10, 29, 10, 0, 0).getTime();
  const warnings = [];
  const storage = memoryStorage();
  const make = () => createCaps({ storage, now: () => clock, warn: (text) => warnings.push(text) });
  return { caps: make(), make, warnings, advance: (ms) => (clock += ms) };
}

const prompt = (tab = 1, count = 1) => ({ tab, site: 'chatgpt.com', kind: 'prompt', count });
const images = (count, tab = 1) => ({ tab, site: 'www.midjourney.com', kind: 'image', count });

test('caps_the_numbers_are_what_docs_extension_md_says', () => {
  assert.deepEqual(CAPS, {
    message: { prompt: 1, image: 40, video: 4 },
    tab: { prompt: 30, image: 80, video: 40 },
    all: { prompt: 60, image: 160, video: 80 },
  });
  const doc = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'extension.md'), 'utf8');
  for (const scope of ['message', 'tab', 'all']) {
    assert.ok(doc.includes(`${CAPS[scope].prompt} prompt`) && doc.includes(`${CAPS[scope].image} images`) &&
      doc.includes(`${CAPS[scope].video} videos`), scope);
  }
});

test('caps_one_message_brings_at_most_one_prompt_and_40_images', async () => {
  const { caps } = setup();
  assert.equal(await caps.admit(prompt(1, 5)), 1);
  assert.equal(await caps.admit(images(4)), 4);
  assert.equal(await caps.admit(images(1000, 2)), 40);
  assert.equal(await caps.droppedToday(), 4 + 960);
});

test('caps_a_tab_gets_30_prompts_a_minute_and_the_minute_slides', async () => {
  const { caps, advance } = setup();
  for (let i = 0; i < 30; i++) {
    assert.equal(await caps.admit(prompt()), 1, `prompt ${i + 1}`);
    advance(1000);
  }
  assert.equal(await caps.admit(prompt()), 0, 'the 31st within a minute is dropped');
  assert.equal(await caps.admit(prompt(2)), 1, 'another tab has its own');
  advance(CAP_WINDOW_MS - 30 * 1000); // the first prompt is now a minute old
  assert.equal(await caps.admit(prompt()), 1);
  assert.equal(await caps.admit(prompt()), 0, 'only as many as left the window');
  assert.equal(await caps.droppedToday(), 2);
});

test('caps_a_tab_gets_80_images_a_minute_and_a_message_over_it_is_cut', async () => {
  const { caps, advance } = setup();
  assert.equal(await caps.admit(images(40)), 40);
  assert.equal(await caps.admit(images(30)), 30);
  assert.equal(await caps.admit(images(40)), 10, 'what fits is kept, the rest dropped');
  assert.equal(await caps.admit(images(4)), 0);
  assert.equal(await caps.admit(prompt()), 1, 'prompts and images have their own caps');
  advance(CAP_WINDOW_MS);
  assert.equal(await caps.admit(images(4)), 4);
  assert.equal(await caps.droppedToday(), 34);
});

test('caps_all_tabs_together_get_60_prompts_and_160_images_a_minute', async () => {
  const { caps } = setup();
  for (const tab of [1, 2]) for (let i = 0; i < 30; i++) await caps.admit(prompt(tab));
  assert.equal(await caps.admit(prompt(3)), 0, 'a third tab gets nothing more this minute');
  for (const tab of [1, 2]) {
    assert.equal(await caps.admit(images(40, tab)), 40);
    assert.equal(await caps.admit(images(40, tab)), 40);
  }
  assert.equal(await caps.admit(images(40, 3)), 0, 'nor images');
});

test('caps_hold_under_thousands_of_messages_at_once', async () => {
  const { caps } = setup();
  const admitted = await Promise.all(Array.from({ length: 3000 }, () => caps.admit(images(1000))));
  assert.equal(admitted.reduce((a, b) => a + b, 0), CAPS.tab.image);
  assert.equal(await caps.droppedToday(), 3000 * 1000 - CAPS.tab.image);
});

test('caps_remember_the_minute_across_a_service_worker_restart', async () => {
  const { caps, make } = setup();
  for (let i = 0; i < 30; i++) await caps.admit(prompt());
  const restarted = make(); // a new worker: the same session storage, nothing in memory
  assert.equal(await restarted.admit(prompt()), 0);
});

test('caps_drops_are_logged_once_a_minute_per_tab_and_counted_per_day', async () => {
  const { caps, warnings, advance } = setup();
  for (let i = 0; i < 35; i++) await caps.admit(prompt());
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /dropped 1 prompt\(s\) from chatgpt\.com \(tab 1\): more than 30 prompts a minute in one tab/);
  await caps.admit(images(50, 1));
  assert.equal(warnings.length, 2, 'images are logged on their own');
  assert.match(warnings[1], /more than 40 images in one message/);
  advance(CAP_WINDOW_MS);
  for (let i = 0; i < 31; i++) await caps.admit(prompt());
  assert.equal(warnings.length, 3);
  assert.equal(await caps.droppedToday(), 5 + 10 + 1);
  advance(24 * 60 * 60 * 1000);
  assert.equal(await caps.droppedToday(), 0, 'a new day starts at zero');
});

test('caps_model_names_have_a_known_shape', () => {
  for (const model of ['gpt-5-mini', 'claude-sonnet-4-5', 'b24e16ff-06e3-43eb-8d33-4416c2d75876', 'V_3_0',
    'flux-pro-2.0', 'anthropic/claude-3:1', 'gpt-4o+search', 'a', 'x'.repeat(64)]) {
    assert.ok(validModel(model), model);
  }
  for (const model of ['', '-gpt', '.x', 'x'.repeat(65), 'gpt 5', 'gpt-5\n', '<img src=x>', 'modèle', 'a;b',
    'SMOKE-SECRET-PROMPT about photosynthesis', 123, null, undefined, {}, ['gpt-5']]) {
    assert.ok(!validModel(model), JSON.stringify(model));
  }
});

test('caps_every_model_the_recorded_fixtures_expect_has_the_shape', () => {
  const models = fs.readdirSync(FIXTURES).flatMap((site) => fs.readdirSync(path.join(FIXTURES, site)).flatMap((name) =>
    JSON.parse(fs.readFileSync(path.join(FIXTURES, site, name), 'utf8')).steps.flatMap((step) =>
      step.expect.filter((event) => event.model !== undefined).map((event) => event.model))));
  assert.ok(models.length > 10);
  for (const model of models) assert.ok(validModel(model), model);
});
