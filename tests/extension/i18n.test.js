// The pages' message lookup (the popup's and options', and by copy the dashboard's):
// language choice, {name} parameters, the fallback language and counted nouns.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { catalogOf, chooseLang, countText, render } from '../../extension/i18n.js';

const messages = (lang) =>
  JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'extension', '_locales', lang, 'messages.json'), 'utf8'));

test('language_follows_the_setting_then_the_browser', () => {
  assert.equal(chooseLang('nl', 'en-US'), 'nl');
  assert.equal(chooseLang('en', 'nl-NL'), 'en');
  assert.equal(chooseLang('auto', 'nl-BE'), 'nl');
  assert.equal(chooseLang('auto', 'de-DE'), 'en');
});

test('parameters_are_filled_by_name', () => {
  assert.equal(render(messages('en').eq_phone_charges, { n: '3.1' }), '3.1 phone charges');
  assert.equal(render(messages('nl').eq_glasses, { n: '2' }), '2 kleine glazen water');
  assert.equal(
    render(messages('nl').scopeNote, { profile: 'Rapport 2024', location: 'Nederland' }).includes('Cijfers: Rapport 2024. Datacenter: Nederland.'),
    true,
  );
  assert.equal(render({ message: '{n} of {total}' }, { n: 0 }), '0 of {total}');
  assert.equal(render({ message: '{constructor}' }, {}), '{constructor}');
  assert.equal(render(undefined), '');
});

test('a_key_missing_in_one_language_comes_from_the_fallback', () => {
  const catalog = catalogOf('nl', { today: { message: 'Vandaag' } }, { today: { message: 'Today' }, co2: { message: 'CO2' } });
  assert.equal(catalog.lang, 'nl');
  assert.equal(catalog.t('today'), 'Vandaag');
  assert.equal(catalog.t('co2'), 'CO2');
  assert.equal(catalog.t('unknown'), '');
});

test('counts_are_the_number_then_the_noun', () => {
  assert.equal(countText('en', 1, 'image', 'images'), '1 image');
  assert.equal(countText('en', 1440, 'image', 'images'), '1,440 images');
  assert.equal(countText('nl', 1440, 'afbeelding', 'afbeeldingen'), '1.440 afbeeldingen');
  assert.equal(countText('nl', 0, 'vraag', 'vragen'), '0 vragen');
});
