// The adapter table is complete: every adapter file is registered, has fixtures, is
// documented in docs/sites.md, and its hosts are in the manifest. (The texts, nl and en, are
// checked by tests/test_texts.py, with the dashboard's.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ADAPTERS, requestHosts } from '../../extension/registry.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const EXTENSION = path.join(ROOT, 'extension');
const adapterFiles = fs
  .readdirSync(path.join(EXTENSION, 'adapters'))
  .filter((name) => name.endsWith('.js') && name !== 'index.js')
  .map((name) => name.replace(/\.js$/, ''));

test('every_adapter_file_is_registered_once_in_index_js', () => {
  assert.deepEqual(ADAPTERS.map((a) => a.id).sort(), [...adapterFiles].sort());
  const index = fs.readFileSync(path.join(EXTENSION, 'adapters', 'index.js'), 'utf8');
  for (const id of adapterFiles) {
    const lines = index.split('\n').filter((line) => line.includes(`'./${id}.js'`));
    assert.equal(lines.length, 1, `${id} should be registered with one line`);
  }
});

test('every_adapter_has_recorded_fixtures_with_counted_and_not_counted_cases', () => {
  for (const { id } of ADAPTERS) {
    const dir = path.join(ROOT, 'tests', 'extension', 'fixtures', id);
    assert.ok(fs.existsSync(dir), `missing fixtures folder for ${id}`);
    const steps = fs.readdirSync(dir).flatMap((name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')).steps);
    assert.ok(steps.some((step) => step.expect.length > 0), `${id}: no counted case`);
    if (id !== 'copilot') assert.ok(steps.some((step) => step.expect.length === 0), `${id}: no case that must not count`);
  }
});

test('every_adapter_is_documented_in_docs_sites_md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'sites.md'), 'utf8');
  for (const adapter of ADAPTERS) {
    assert.ok(doc.includes(`## ${adapter.name} (\`${adapter.id}\`)`), `docs/sites.md lacks a section for ${adapter.id}`);
  }
});

test('every_adapter_is_well_formed', () => {
  for (const adapter of ADAPTERS) {
    assert.match(adapter.id, /^[a-z0-9-]+$/);
    assert.ok(adapter.hosts.length > 0 && adapter.rules.length > 0, adapter.id);
    // The README's row (scripts/generate.py): what the site counts, and optionally its text.
    assert.ok(typeof adapter.counts === 'string' && adapter.counts.length > 0, `${adapter.id}: counts`);
    assert.ok(adapter.site === undefined || typeof adapter.site === 'string', `${adapter.id}: site`);
    const ruleIds = adapter.rules.map((rule) => rule.id);
    assert.equal(new Set(ruleIds).size, ruleIds.length, `${adapter.id}: duplicate rule ids`);
    for (const rule of adapter.rules) {
      assert.ok(['fetch', 'xhr', 'websocket'].includes(rule.transport), `${adapter.id}/${rule.id}: transport`);
      assert.doesNotThrow(() => new RegExp(rule.path));
      if (rule.transport !== 'websocket') assert.ok(['GET', 'POST'].includes(rule.method));
      if (rule.transport !== 'websocket') assert.ok(['prompt', 'image', 'video'].includes(rule.kind));
      (rule.variants || []).forEach((variant) => assert.ok(['prompt', 'image', 'video'].includes(variant.kind ?? rule.kind)));
      // Rules travel to the page by structured clone: plain data only.
      assert.deepEqual(JSON.parse(JSON.stringify(rule)), rule, `${adapter.id}/${rule.id} is not plain data`);
    }
    (adapter.exclude || []).forEach((pattern) => assert.doesNotThrow(() => new RegExp(pattern)));
  }
});

test('manifest_matches_and_host_permissions_follow_the_adapters', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, 'manifest.json'), 'utf8'));
  const pages = ADAPTERS.flatMap((a) => a.hosts).map((host) => `https://${host}/*`).sort();
  const [main, isolated, pair] = manifest.content_scripts;
  assert.equal(main.world, 'MAIN');
  assert.equal(main.run_at, 'document_start');
  assert.deepEqual(main.js, ['engine.js', 'main_world.js']);
  assert.deepEqual([...main.matches].sort(), pages);
  assert.deepEqual([...isolated.matches].sort(), pages);
  assert.deepEqual(pair.matches, ['http://127.0.0.1/pair*', 'http://localhost/pair*']);
  const expected = [...requestHosts().map((host) => `https://${host}/*`), 'http://127.0.0.1/*', 'http://localhost/*'];
  assert.deepEqual([...manifest.host_permissions].sort(), expected.sort(), 'only the sites and loopback');
  assert.equal(manifest.web_accessible_resources, undefined);
  assert.ok(manifest.browser_specific_settings.gecko.id);
  assert.equal(manifest.background.service_worker, 'background.js');
  assert.deepEqual(manifest.background.scripts, ['background.js']);
});

test('extension_folder_loads_unpacked_in_chromium', () => {
  // Chromium refuses an unpacked extension with a file or folder starting with '_' (but _locales).
  const bad = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('_') && entry.name !== '_locales') bad.push(path.join(dir, entry.name));
      if (entry.name === 'node_modules') bad.push(path.join(dir, entry.name));
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
    }
  };
  walk(EXTENSION);
  assert.deepEqual(bad, []);
});
