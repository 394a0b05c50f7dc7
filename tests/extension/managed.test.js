// The school's policy (managed.js): which values are used, and the merge rules: managed over
// the user's, the user's over the default. The real browser reading a real policy file is
// tests/test_managed_policy.py.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  dashboardLink, mergeSettings, normalizeClassServer, parseJoinLink, POLICY_NAMES, readManaged,
  readPolicy, readSettings, rolePreset,
} from '../../extension/managed.js';
import { ADAPTERS } from '../../extension/registry.js';
import { DEFAULT_SETTINGS, SETTINGS_KEY } from '../../extension/settings.js';

const IDS = ADAPTERS.map((adapter) => adapter.id);
const EXTENSION = path.join(import.meta.dirname, '..', '..', 'extension');

function memoryStorage(initial = {}) {
  const data = structuredClone(initial);
  return {
    data,
    async get(keys) {
      return Object.fromEntries(keys.filter((key) => key in data).map((key) => [key, structuredClone(data[key])]));
    },
    async set(items) {
      Object.assign(data, structuredClone(items));
    },
  };
}

const managedArea = (policy) => ({ get: async () => structuredClone(policy) });

test('class_server_addresses_are_http_or_https_without_query_or_user', () => {
  assert.equal(normalizeClassServer(' https://klas.school.nl/ '), 'https://klas.school.nl');
  assert.equal(normalizeClassServer('https://school.nl/footprint/'), 'https://school.nl/footprint');
  assert.equal(normalizeClassServer('http://10.0.0.5:47480'), 'http://10.0.0.5:47480');
  for (const bad of ['ftp://school.nl', 'https://a:b@school.nl', 'https://school.nl/?x=1', 'klas', '', 'javascript:alert(1)']) {
    assert.equal(normalizeClassServer(bad), null, bad);
  }
});

test('a_join_link_carries_the_server_and_the_code', () => {
  assert.deepEqual(parseJoinLink('https://klas.school.nl/join?code=abcde-fghjk'), { server: 'https://klas.school.nl', code: 'ABCDE-FGHJK' });
  assert.deepEqual(parseJoinLink('https://school.nl/footprint/join/?code=ABCDE-FGHJK'), { server: 'https://school.nl/footprint', code: 'ABCDE-FGHJK' });
  assert.deepEqual(
    parseJoinLink('https://intranet.school.nl/ai?server=https%3A%2F%2Fklas.school.nl&code=ABCDE-FGHJK'),
    { server: 'https://klas.school.nl', code: 'ABCDE-FGHJK' },
  );
  assert.equal(parseJoinLink('https://klas.school.nl/join'), null, 'no code');
  assert.equal(parseJoinLink('https://klas.school.nl/join?code=<script>'), null);
  assert.equal(parseJoinLink('mailto:x@school.nl?code=ABCDE'), null);
});

test('the_policy_keeps_what_this_version_can_use_and_names_the_rest', () => {
  const { policy, invalid } = readPolicy({
    classServer: 'https://klas.school.nl/', language: 'NL', role: 'teacher',
    trackedSites: ['chatgpt', 'Gemini', 'chatgtp'], daemonUrl: 'http://127.0.0.1:47999/x', colour: 'green',
  }, IDS);
  assert.deepEqual(policy, {
    classServer: 'https://klas.school.nl', language: 'nl', role: 'teacher',
    trackedSites: ['chatgpt', 'gemini'], daemonUrl: 'http://127.0.0.1:47999',
  });
  assert.deepEqual(invalid, [{ name: 'trackedSites', value: '["chatgtp"]' }, { name: 'colour', value: 'green' }]);

  const bad = readPolicy({
    classServer: 'klas', joinLink: 42, language: 'de', role: 'admin', trackedSites: ['nope'],
    daemonUrl: 'https://evil.example',
  }, IDS);
  assert.deepEqual(bad.policy, {}, 'nothing usable');
  assert.deepEqual(bad.invalid.map((entry) => entry.name).sort(), [...POLICY_NAMES].sort());
  assert.deepEqual(readPolicy('text', IDS), { policy: {}, invalid: [] });
  assert.deepEqual(readPolicy(undefined, IDS), { policy: {}, invalid: [] });
});

test('without_a_policy_the_users_settings_and_the_defaults_are_in_force', () => {
  const user = { ...DEFAULT_SETTINGS, lang: 'en', disabledSites: ['sora'] };
  const settings = mergeSettings(user, {}, IDS);
  assert.deepEqual(settings, { ...user, role: '', classServer: '', joinCode: '', managed: [] });
  assert.equal(mergeSettings(DEFAULT_SETTINGS, {}, IDS).lang, 'auto', 'the default');
});

test('managed_values_win_over_the_users', () => {
  const user = { ...DEFAULT_SETTINGS, lang: 'en', daemonUrl: 'http://127.0.0.1:47474', disabledSites: ['gemini'], token: 't' };
  const policy = readPolicy({
    language: 'nl', daemonUrl: 'http://127.0.0.1:48000', trackedSites: ['gemini', 'claude'], role: 'student',
    classServer: 'https://klas.school.nl',
  }, IDS).policy;
  const settings = mergeSettings(user, policy, IDS);
  assert.equal(settings.lang, 'nl');
  assert.equal(settings.daemonUrl, 'http://127.0.0.1:48000');
  assert.deepEqual(settings.disabledSites, IDS.filter((id) => !['gemini', 'claude'].includes(id)), 'the school tracks gemini, even if the user had it off');
  assert.equal(settings.role, 'student');
  assert.equal(settings.classServer, 'https://klas.school.nl');
  assert.equal(settings.joinCode, '');
  assert.equal(settings.token, 't', 'what the school cannot set stays the user\'s');
  assert.deepEqual(settings.managed.sort(), ['classServer', 'daemonUrl', 'disabledSites', 'lang', 'role']);
});

test('a_join_link_wins_over_the_class_server', () => {
  const policy = readPolicy({ classServer: 'https://old.school.nl', joinLink: 'https://klas.school.nl/join?code=ABCDE-FGHJK' }, IDS).policy;
  const settings = mergeSettings(DEFAULT_SETTINGS, policy, IDS);
  assert.equal(settings.classServer, 'https://klas.school.nl');
  assert.equal(settings.joinCode, 'ABCDE-FGHJK');
});

test('the_role_presets_the_activity_label_once_and_the_user_may_change_it', () => {
  assert.equal(rolePreset({ label: '' }, {}), null, 'no role, no preset');
  assert.deepEqual(rolePreset({ label: '' }, { role: 'teacher' }), { presetRole: 'teacher', label: 'lesson-prep' });
  assert.equal(rolePreset({ label: 'other', presetRole: 'teacher' }, { role: 'teacher' }), null, 'done once');
  assert.deepEqual(rolePreset({ label: 'other' }, { role: 'teacher' }), { presetRole: 'teacher' }, 'a chosen label stays');
  assert.deepEqual(rolePreset({ label: 'homework', presetRole: 'student' }, { role: 'teacher' }),
    { presetRole: 'teacher', label: 'lesson-prep' }, 'the old preset, untouched, follows the new role');
});

test('the_dashboard_link_carries_the_class_server_and_code', () => {
  const link = new URL(dashboardLink({ daemonUrl: 'http://127.0.0.1:48000', classServer: 'https://klas.school.nl', joinCode: 'ABCDE-FGHJK' }));
  assert.equal(link.origin, 'http://127.0.0.1:48000');
  assert.equal(link.pathname, '/');
  assert.equal(link.searchParams.get('class_server'), 'https://klas.school.nl');
  assert.equal(link.searchParams.get('class_code'), 'ABCDE-FGHJK');
  assert.equal(link.hash, '#class-sharing');
  assert.equal(new URL(dashboardLink({ daemonUrl: 'http://127.0.0.1:47474', classServer: '', joinCode: '' })).search, '');
});

test('read_settings_applies_the_policy_and_stores_only_the_label_preset', async () => {
  const storage = memoryStorage({ [SETTINGS_KEY]: { ...DEFAULT_SETTINGS, lang: 'en', token: 'secret' } });
  const area = managedArea({ language: 'nl', role: 'teacher', trackedSites: ['claude'], bogus: 1 });
  const settings = await readSettings(storage, area);
  assert.equal(settings.lang, 'nl');
  assert.equal(settings.label, 'lesson-prep');
  assert.deepEqual(settings.managedInvalid, [{ name: 'bogus', value: '1' }]);
  const stored = storage.data[SETTINGS_KEY];
  assert.equal(stored.lang, 'en', 'the user\'s own choice is kept for when the policy goes');
  assert.deepEqual(stored.disabledSites, []);
  assert.equal(stored.label, 'lesson-prep');
  assert.equal(stored.presetRole, 'teacher');
  const after = await readSettings(storage, managedArea({}));
  assert.equal(after.lang, 'en');
  assert.deepEqual(after.managed, []);
});

test('no_managed_storage_or_a_rejecting_one_means_no_policy', async () => {
  // Firefox rejects storage.managed.get() when no policy names the extension.
  assert.deepEqual(await readManaged({ get: async () => { throw new Error('Managed storage manifest not found'); } }), {});
  assert.deepEqual(await readManaged(undefined), {});
  const settings = await readSettings(memoryStorage(), undefined);
  assert.deepEqual(settings, { ...DEFAULT_SETTINGS, role: '', classServer: '', joinCode: '', managed: [], managedInvalid: [] });
});

test('the_manifest_names_the_schema_and_the_schema_every_policy_name', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, 'manifest.json'), 'utf8'));
  assert.equal(manifest.storage.managed_schema, 'managed_schema.json');
  const schema = JSON.parse(fs.readFileSync(path.join(EXTENSION, manifest.storage.managed_schema), 'utf8'));
  assert.deepEqual(Object.keys(schema.properties).sort(), [...POLICY_NAMES].sort());
  assert.deepEqual(schema.properties.language.enum, ['nl', 'en']);
  assert.deepEqual(schema.properties.role.enum, ['student', 'teacher']);
});

// Chromium's extension id: the first 128 bits of the SHA-256 of the DER public key (the
// manifest's `key`, base64), each hex digit 0-f written as a letter a-p.
test('the_manifest_key_gives_the_documented_extension_id', async () => {
  const { createHash, createPublicKey } = await import('node:crypto');
  const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, 'manifest.json'), 'utf8'));
  const der = Buffer.from(manifest.key, 'base64');
  assert.equal(createPublicKey({ key: der, format: 'der', type: 'spki' }).asymmetricKeyDetails.modulusLength, 2048);
  const hex = createHash('sha256').update(der).digest('hex').slice(0, 32);
  const id = [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
  assert.equal(id, 'hcdmhjibffkdbkoogkiendojdfjbonob');
  const deploy = fs.readFileSync(path.join(EXTENSION, '..', 'docs', 'deploy.md'), 'utf8');
  assert.ok(deploy.includes(id), 'docs/deploy.md names the id');
  assert.ok(deploy.includes(manifest.browser_specific_settings.gecko.id), 'and the gecko id');
});
