// Local counts, dedupe keys, pairing of the content-script and webRequest signals, and
// adapter health, over a storage that behaves like chrome.storage.local.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BACKUP_DELAY_MS, MAX_CLAIMS, PAIRING_WINDOW_MS, createLedger, localDay, localTimestamp } from '../../extension/ledger.js';

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
  const ledger = createLedger({ storage: memoryStorage(), now: () => clock });
  return { ledger, advance: (ms) => (clock += ms), now: () => clock };
}

test('ledger_counts_prompts_and_images_per_site_for_today', async () => {
  const { ledger, advance } = setup();
  await ledger.count({ site: 'chatgpt.com', kind: 'prompt', count: 1 });
  await ledger.count({ site: 'chatgpt.com', kind: 'image', count: 2 });
  await ledger.count({ site: 'www.midjourney.com', kind: 'image', count: 4 });
  assert.deepEqual(await ledger.countsOf(), {
    'chatgpt.com': { prompts: 1, images: 2 },
    'www.midjourney.com': { prompts: 0, images: 4 },
  });
  advance(24 * 60 * 60 * 1000);
  assert.deepEqual(await ledger.countsOf(), {}, 'a new day starts at zero');
});

test('ledger_counts_videos_and_their_seconds_apart_from_images', async () => {
  const { ledger } = setup();
  await ledger.count({ site: 'sora.chatgpt.com', kind: 'video', count: 1, seconds: 15 });
  await ledger.count({ site: 'www.midjourney.com', kind: 'video', count: 4 });
  await ledger.count({ site: 'www.midjourney.com', kind: 'image', count: 4 });
  assert.deepEqual(await ledger.countsOf(), {
    'sora.chatgpt.com': { prompts: 0, images: 0, videos: 1, video_seconds: 15, videos_timed: 1 },
    'www.midjourney.com': { prompts: 0, images: 4, videos: 4 },
  });
});

test('ledger_concurrent_counts_are_not_lost', async () => {
  const { ledger } = setup();
  await Promise.all(Array.from({ length: 20 }, () => ledger.count({ site: 'claude.ai', kind: 'prompt', count: 1 })));
  assert.equal((await ledger.countsOf())['claude.ai'].prompts, 20);
});

test('ledger_dedupe_key_is_remembered_for_a_day', async () => {
  const { ledger, advance } = setup();
  assert.equal(await ledger.seenBefore('bing:1-abc'), false);
  assert.equal(await ledger.seenBefore('bing:1-abc'), true);
  advance(25 * 60 * 60 * 1000);
  assert.equal(await ledger.seenBefore('bing:1-abc'), false);
});

test('ledger_content_event_before_backup_counts_once', async () => {
  const { ledger, advance } = setup();
  await ledger.claim(7, 'chatgpt/conversation');
  await ledger.backup(7, 'chatgpt/conversation', { kind: 'prompt', count: 1 });
  advance(BACKUP_DELAY_MS + 1);
  assert.deepEqual(await ledger.takeUnclaimedBackups(), []);
});

test('ledger_backup_before_content_event_counts_once', async () => {
  const { ledger, advance } = setup();
  await ledger.backup(7, 'chatgpt/conversation', { kind: 'prompt', count: 1 });
  advance(5000);
  await ledger.claim(7, 'chatgpt/conversation');
  advance(BACKUP_DELAY_MS);
  assert.deepEqual(await ledger.takeUnclaimedBackups(), []);
});

test('ledger_unclaimed_backup_is_counted_after_the_delay', async () => {
  const { ledger, advance } = setup();
  await ledger.backup(7, 'claude/completion', { kind: 'prompt', count: 1 });
  assert.deepEqual(await ledger.takeUnclaimedBackups(), [], 'not before the delay');
  advance(BACKUP_DELAY_MS);
  const due = await ledger.takeUnclaimedBackups();
  assert.equal(due.length, 1);
  assert.deepEqual(await ledger.takeUnclaimedBackups(), [], 'taken once');
});

test('ledger_claims_pair_one_to_one_per_tab_and_rule', async () => {
  const { ledger, advance } = setup();
  await ledger.claim(7, 'chatgpt/conversation');
  await ledger.backup(8, 'chatgpt/conversation', { n: 'other tab' });
  await ledger.backup(7, 'chatgpt/conversation', { n: 'first' });
  await ledger.backup(7, 'chatgpt/conversation', { n: 'second, missed by the content script' });
  advance(BACKUP_DELAY_MS);
  const due = await ledger.takeUnclaimedBackups();
  assert.deepEqual(due.map((b) => b.event.n).sort(), ['other tab', 'second, missed by the content script']);
});

test('ledger_keeps_the_newest_claims_when_a_page_floods_them', async () => {
  const { ledger, advance } = setup();
  await ledger.claim(7, 'chatgpt/conversation');
  for (let i = 0; i < MAX_CLAIMS; i++) await ledger.claim(9, 'chatgpt/conversation');
  await ledger.backup(7, 'chatgpt/conversation', { n: 'its claim was pushed out' });
  await ledger.backup(9, 'chatgpt/conversation', { n: 'claimed' });
  advance(BACKUP_DELAY_MS);
  assert.deepEqual((await ledger.takeUnclaimedBackups()).map((b) => b.event.n), ['its claim was pushed out']);
});

test('ledger_claim_pairs_with_the_backup_of_a_ten_minute_stream', async () => {
  const { ledger, advance } = setup();
  await ledger.claim(7, 'chatgpt/conversation'); // the model was known early in the stream
  advance(10 * 60 * 1000);
  await ledger.backup(7, 'chatgpt/conversation', { kind: 'prompt', count: 1 }); // stream ended
  advance(BACKUP_DELAY_MS);
  assert.deepEqual(await ledger.takeUnclaimedBackups(), []);
});

test('ledger_old_claims_expire', async () => {
  const { ledger, advance } = setup();
  await ledger.claim(7, 'chatgpt/conversation');
  advance(PAIRING_WINDOW_MS + 1);
  await ledger.backup(7, 'chatgpt/conversation', { n: 'later request' });
  advance(BACKUP_DELAY_MS);
  assert.equal((await ledger.takeUnclaimedBackups()).length, 1);
});

test('ledger_warns_about_a_site_with_uncounted_generation_requests', async () => {
  const { ledger } = setup();
  await ledger.noteSuspect('chatgpt');
  await ledger.noteSuspect('chatgpt');
  assert.deepEqual(await ledger.brokenAdapters(), []);
  await ledger.noteSuspect('chatgpt');
  assert.deepEqual(await ledger.brokenAdapters(), ['chatgpt']);
  await ledger.noteMatch('chatgpt');
  assert.deepEqual(await ledger.brokenAdapters(), [], 'a counted request clears the warning');
});

test('ledger_timestamps_are_rfc3339_with_the_local_offset', () => {
  const ms = new Date(2026, 10, 29, 9, 5, 7).getTime();
  assert.match(localTimestamp(ms), /^2026-11-29T09:05:07[+-]\d\d:\d\d$/);
  assert.equal(new Date(localTimestamp(ms)).getTime(), ms);
  assert.equal(localDay(ms), '2026-11-29');
});
