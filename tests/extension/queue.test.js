// The delivery queue against a fake daemon: nothing lost, nothing twice, one bad event dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QUEUE_KEY, backoffMs, createQueue, rejectedIndex } from '../../extension/queue.js';

// chrome.storage.local's contract: values are stored as JSON (copies, not references).
function memoryStorage() {
  const data = new Map();
  return {
    data,
    async get(keys) {
      return Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, JSON.parse(data.get(k))]));
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, JSON.stringify(v));
    },
  };
}

// A daemon that stores events by id, answers like docs/api.md, and can be switched off.
function fakeDaemon({ token = 'tok', validate = () => null } = {}) {
  const daemon = { up: true, stored: new Map(), posts: 0, batchSizes: [] };
  daemon.fetch = async (url, init) => {
    if (!daemon.up) throw new TypeError('Failed to fetch');
    daemon.posts += 1;
    assert.equal(url, 'http://127.0.0.1:5555/api/v1/events');
    if (init.headers.Authorization !== `Bearer ${token}`) return Response.json({ error: { message: 'token' } }, { status: 401 });
    const { events } = JSON.parse(init.body);
    daemon.batchSizes.push(events.length);
    if (events.length > 500) return Response.json({ error: { message: 'too many', field: 'events' } }, { status: 422 });
    for (const [index, event] of events.entries()) {
      const problem = validate(event);
      if (problem) return Response.json({ error: { message: problem, field: `events[${index}].ts` } }, { status: 422 });
    }
    let duplicates = 0;
    for (const event of events) {
      if (daemon.stored.has(event.id)) duplicates += 1;
      else daemon.stored.set(event.id, event);
    }
    return Response.json({ accepted: events.length - duplicates, duplicates });
  };
  return daemon;
}

const DAEMON = { url: 'http://127.0.0.1:5555', token: 'tok' };
const event = (n) => ({ ts: `2026-11-29T10:00:${String(n % 60).padStart(2, '0')}+01:00`, site: 'chatgpt.com', kind: 'prompt', count: 1 });

function setup(options = {}) {
  const storage = memoryStorage();
  const daemon = fakeDaemon(options);
  let clock = 1_000_000;
  const logs = [];
  const queue = createQueue({ storage, fetch: daemon.fetch, now: () => clock, log: (m) => logs.push(m), ...options.queue });
  return { storage, daemon, queue, logs, advance: (ms) => (clock += ms) };
}

test('queue_events_are_stored_before_sending', async () => {
  const { storage, queue, daemon } = setup();
  daemon.up = false;
  const [stored] = await queue.enqueue([event(1)]);
  assert.match(stored.id, /^[0-9a-f-]{36}$/);
  assert.equal(JSON.parse(storage.data.get(QUEUE_KEY)).length, 1);
});

test('queue_daemon_down_then_up_delivers_all_once', async () => {
  const { queue, daemon, advance } = setup();
  daemon.up = false;
  await queue.enqueue([event(1), event(2)]);
  assert.equal((await queue.flush(DAEMON)).status, 'offline');
  await queue.enqueue([event(3)]);
  assert.equal((await queue.flush(DAEMON)).status, 'waiting', 'backs off instead of hammering');
  advance(backoffMs(1) + 1);
  assert.equal((await queue.flush(DAEMON)).status, 'offline');
  assert.equal((await queue.stats()).failures, 2);
  daemon.up = true;
  advance(backoffMs(2) + 1);
  assert.equal((await queue.flush(DAEMON)).status, 'delivered');
  assert.equal(daemon.stored.size, 3);
  assert.equal((await queue.stats()).pending, 0);
  assert.equal((await queue.flush(DAEMON)).status, 'empty');
  assert.equal(daemon.stored.size, 3);
});

test('queue_survives_a_restart_between_enqueue_and_delivery', async () => {
  const { storage, daemon } = setup();
  daemon.up = false;
  const first = createQueue({ storage, fetch: daemon.fetch, log: () => {} });
  await first.enqueue([event(1), event(2)]);
  await first.flush(DAEMON);
  daemon.up = true;
  // A new service worker: a fresh queue object over the same storage.
  const second = createQueue({ storage, fetch: daemon.fetch, log: () => {} });
  assert.equal((await second.flush(DAEMON, { force: true })).status, 'delivered');
  assert.equal(daemon.stored.size, 2);
});

test('queue_lost_answer_resend_is_not_counted_twice', async () => {
  const storage = memoryStorage();
  const daemon = fakeDaemon();
  let loseAnswer = true;
  // The daemon stores the batch but the answer never arrives (e.g. the connection dropped).
  const fetch = async (...args) => {
    const response = await daemon.fetch(...args);
    if (loseAnswer) {
      loseAnswer = false;
      throw new TypeError('connection reset');
    }
    return response;
  };
  const queue = createQueue({ storage, fetch, log: () => {} });
  await queue.enqueue([event(1)]);
  assert.equal((await queue.flush(DAEMON)).status, 'offline');
  assert.equal((await queue.stats()).pending, 1, 'kept: no 2xx was seen');
  assert.equal((await queue.flush(DAEMON, { force: true })).status, 'delivered');
  assert.equal(daemon.posts, 2);
  assert.equal(daemon.stored.size, 1, 'the same id twice is stored once');
});

test('queue_422_drops_only_the_bad_event', async () => {
  const { queue, daemon, logs } = setup({ validate: (e) => (e.ts.startsWith('2099') ? 'ts is too far in the future' : null) });
  await queue.enqueue([event(1), { ...event(2), ts: '2099-01-01T00:00:00+00:00' }, event(3)]);
  assert.equal((await queue.flush(DAEMON)).status, 'delivered');
  assert.equal(daemon.stored.size, 2);
  const stats = await queue.stats();
  assert.equal(stats.pending, 0);
  assert.equal(stats.rejected.length, 1);
  assert.match(stats.rejected[0].reason, /events\[1\]\.ts: ts is too far in the future/);
  assert.ok(logs.some((line) => line.includes('dropped')));
});

test('queue_422_without_an_index_finds_the_bad_event_one_by_one', async () => {
  const storage = memoryStorage();
  const stored = [];
  const fetch = async (url, init) => {
    const { events } = JSON.parse(init.body);
    if (events.some((e) => e.site === 'bad host')) return Response.json({ error: { message: 'invalid', field: 'site' } }, { status: 422 });
    stored.push(...events);
    return Response.json({ accepted: events.length, duplicates: 0 });
  };
  const queue = createQueue({ storage, fetch, log: () => {} });
  await queue.enqueue([event(1), { ...event(2), site: 'bad host' }, event(3)]);
  await queue.flush(DAEMON);
  assert.deepEqual(stored.map((e) => e.ts), [event(1).ts, event(3).ts]);
  assert.equal((await queue.stats()).rejected.length, 1);
});

test('queue_is_bounded_and_counts_what_it_dropped', async () => {
  const { queue, daemon } = setup({ queue: { limit: 5 } });
  daemon.up = false;
  for (let n = 0; n < 8; n += 1) await queue.enqueue([event(n)]);
  const stats = await queue.stats();
  assert.equal(stats.pending, 5);
  assert.equal(stats.dropped, 3);
  daemon.up = true;
  await queue.flush(DAEMON, { force: true });
  assert.deepEqual([...daemon.stored.values()].map((e) => e.ts), [3, 4, 5, 6, 7].map((n) => event(n).ts));
});

test('queue_sends_in_batches_of_at_most_500', async () => {
  const { queue, daemon } = setup();
  daemon.up = false;
  await queue.enqueue(Array.from({ length: 1203 }, (_, n) => event(n)));
  daemon.up = true;
  await queue.flush(DAEMON, { force: true });
  assert.deepEqual(daemon.batchSizes, [500, 500, 203]);
  assert.equal(daemon.stored.size, 1203);
});

test('queue_wrong_token_keeps_the_events', async () => {
  const { queue, daemon } = setup();
  await queue.enqueue([event(1)]);
  assert.equal((await queue.flush({ ...DAEMON, token: 'wrong' })).status, 'unauthorized');
  assert.equal((await queue.stats()).pending, 1);
  assert.equal((await queue.flush(DAEMON, { force: true })).status, 'delivered');
  assert.equal(daemon.stored.size, 1);
});

test('queue_without_pairing_keeps_the_events', async () => {
  const { queue } = setup();
  await queue.enqueue([event(1)]);
  assert.equal((await queue.flush({ url: '', token: '' })).status, 'unpaired');
  assert.equal((await queue.stats()).pending, 1);
});

test('queue_concurrent_enqueues_while_sending_are_kept', async () => {
  const { queue, daemon } = setup();
  await queue.enqueue([event(1)]);
  const flushing = queue.flush(DAEMON);
  await queue.enqueue([event(2)]);
  await flushing;
  await queue.flush(DAEMON, { force: true });
  assert.equal(daemon.stored.size, 2);
  assert.equal((await queue.stats()).pending, 0);
});

test('rejected_index_reads_the_error_field', () => {
  assert.equal(rejectedIndex('events[3].ts'), 3);
  assert.equal(rejectedIndex('events'), null);
  assert.equal(rejectedIndex(undefined), null);
});
