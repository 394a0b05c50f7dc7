// The popup's own message lookup: language choice and placeholders as chrome.i18n fills them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { chooseLang, render } from '../../extension/i18n.js';

const messages = (lang) =>
  JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'extension', '_locales', lang, 'messages.json'), 'utf8'));

test('language_follows_the_setting_then_the_browser', () => {
  assert.equal(chooseLang('nl', 'en-US'), 'nl');
  assert.equal(chooseLang('en', 'nl-NL'), 'en');
  assert.equal(chooseLang('auto', 'nl-BE'), 'nl');
  assert.equal(chooseLang('auto', 'de-DE'), 'en');
});

test('placeholders_are_filled_in_order', () => {
  assert.equal(render(messages('en').eq_phone_charges, ['3.1']), '3.1 phone charges');
  assert.equal(render(messages('nl').eq_glasses, ['2']), '2 kleine glazen water');
  assert.equal(
    render(messages('nl').scopeNote, ['Rapport 2024', 'Nederland']).includes('cijfers: Rapport 2024; locatie: Nederland'),
    true,
  );
  assert.equal(render(undefined), '');
});
