// Every adapter against its recorded request/response fixtures (shaped as sites.md describes).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ADAPTERS } from '../../extension/registry.js';
import { engine, replayBackup, replayStep, rulesForSite } from './replay.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const PROMPT_MARKER = 'SECRET-PROMPT-TEXT';

function fixturesOf(adapter) {
  const dir = path.join(FIXTURES, adapter.id);
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, ...JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) }));
}

// The background drops a second event with the same adapter and dedupe key (ledger.js).
function withoutDuplicates(adapter, events, seen) {
  return events.filter((event) => {
    if (event.dedupe === undefined) return true;
    const key = `${adapter.id}:${event.dedupe}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// eslint-disable-next-line no-unused-vars -- dedupe and rule are taken out so the rest can be compared
const strip = (events) => events.map(({ dedupe, rule, ...event }) => event);

for (const adapter of ADAPTERS) {
  describe(`adapter ${adapter.id}`, () => {
    for (const fixture of fixturesOf(adapter)) {
      test(`${fixture.name}: ${fixture.description}`, () => {
        const rules = rulesForSite(adapter, fixture);
        const seen = new Set();
        const memory = engine.createMemory(); // one page
        assert.ok(typeof fixture.source === 'string' && fixture.source.length > 0, 'a fixture says where its shape comes from');
        for (const step of fixture.steps) {
          const { events } = replayStep(rules, step, 64, memory);
          assert.deepEqual(strip(withoutDuplicates(adapter, events, seen)), step.expect);
          assert.ok(!JSON.stringify(events).includes(PROMPT_MARKER), 'an event carries prompt text');
        }
      });
    }
  });
}

test('a long stream is read only until the model is known', () => {
  const adapter = ADAPTERS.find((a) => a.id === 'chatgpt');
  const fixture = fixturesOf(adapter).find((f) => f.name === 'send.json');
  const step = structuredClone(fixture.steps[0]);
  step.response.body += `data: ${JSON.stringify({ v: 'x'.repeat(1000) })}\n\n`.repeat(2000);
  const { bytesRead, events } = replayStep(rulesForSite(adapter, fixture), step, 256);
  assert.equal(events.length, 1);
  assert.ok(bytesRead < 4096, `read ${bytesRead} of ${step.response.body.length} bytes`);
});

test('chunk boundaries do not change what is counted', () => {
  for (const adapter of ADAPTERS) {
    for (const fixture of fixturesOf(adapter)) {
      const rules = rulesForSite(adapter, fixture);
      for (const step of fixture.steps.filter((s) => !s.websocket && !s.expire)) {
        for (const size of [1, 7, 100000]) {
          assert.deepEqual(replayStep(rules, step, size).events, replayStep(rules, step, 64).events, fixture.name);
        }
      }
    }
  }
});

test('the webRequest backup never counts what the content script would not', () => {
  for (const adapter of ADAPTERS) {
    for (const fixture of fixturesOf(adapter)) {
      const rules = rulesForSite(adapter, fixture);
      for (const step of fixture.steps.filter((s) => !s.websocket && !s.expire)) {
        const backup = replayBackup(rules, step);
        const main = replayStep(rules, step).events;
        if (main.length === 0 && backup.length) {
          // Only response-dependent refusals (GraphQL errors, Midjourney failures) and
          // empty Bing polls are invisible to the backup; these adapters accept that.
          assert.ok(['leonardo', 'midjourney'].includes(adapter.id) && step.response.status < 300, fixture.name);
        }
        assert.ok(backup.length <= 1);
      }
    }
  }
});
