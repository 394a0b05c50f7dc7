// The delivery queue: no event is lost between the browser and the daemon.
//
// Each event gets a UUID and is written to storage before any attempt to send it; batches
// go to POST {daemonUrl}/api/v1/events with the Bearer token; events leave storage only
// after a 2xx (the daemon ignores an id it already has, so a retry never counts twice).
// While the daemon is down, flush() backs off (30 s doubling to 15 min); the caller retries
// from a chrome.alarms tick, which survives service-worker and browser restarts. A 422 that
// names one event ("events[3].ts") drops that event with a logged reason, never the batch.
// Bounded at QUEUE_LIMIT events: past it the oldest are dropped and counted.
// Plain module: storage ({get(keys), set(items)}, like chrome.storage.local) and fetch are
// injected, so Node tests run it against a fake daemon.

import { timeOrderedUUID } from './ids.js';
import { serializer } from './serial.js';

export const QUEUE_LIMIT = 10000;
export const BATCH_SIZE = 500; // the daemon's documented batch limit
export const QUEUE_KEY = 'queue';
export const STATE_KEY = 'queueState';
const FIRST_BACKOFF_MS = 30 * 1000;
const MAX_BACKOFF_MS = 15 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 15 * 1000;
const KEPT_REJECTIONS = 20;

const EMPTY_STATE = Object.freeze({
  dropped: 0,
  failures: 0,
  nextAttemptAt: 0,
  lastError: null,
  lastDeliveredAt: null,
  delivered: 0,
  rejected: [],
});

export function backoffMs(failures) {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
}

// "events[3].ts" -> 3; anything else -> null.
export function rejectedIndex(field) {
  const match = /^events\[(\d+)\]/.exec(String(field || ''));
  return match ? Number(match[1]) : null;
}

export function createQueue({
  storage,
  fetch,
  now = () => Date.now(),
  randomUUID = () => timeOrderedUUID(),
  log = (...args) => console.warn('[aifootprint]', ...args),
  limit = QUEUE_LIMIT,
  batchSize = BATCH_SIZE,
}) {
  const locked = serializer();
  let running = null;

  async function read() {
    const items = await storage.get([QUEUE_KEY, STATE_KEY]);
    return { queue: items[QUEUE_KEY] || [], state: { ...EMPTY_STATE, ...(items[STATE_KEY] || {}) } };
  }

  function enqueue(events) {
    return locked(async () => {
      const { queue, state } = await read();
      const added = events.map((event) => ({ ...event, id: event.id || randomUUID() }));
      queue.push(...added);
      const overflow = Math.max(0, queue.length - limit);
      if (overflow) {
        queue.splice(0, overflow);
        state.dropped += overflow;
        log(`queue full (${limit} events): dropped the ${overflow} oldest`);
      }
      await storage.set({ [QUEUE_KEY]: queue, [STATE_KEY]: state });
      return added;
    });
  }

  function update(change) {
    return locked(async () => {
      const { queue, state } = await read();
      const next = change(queue, state) || {};
      await storage.set({ [QUEUE_KEY]: next.queue || queue, [STATE_KEY]: next.state || state });
    });
  }

  const removeIds = (ids) =>
    update((queue, state) => {
      const gone = new Set(ids);
      state.delivered += queue.filter((event) => gone.has(event.id)).length;
      return { queue: queue.filter((event) => !gone.has(event.id)) };
    });

  function reject(event, reason) {
    log(`daemon refused event ${event.id}: ${reason}; dropped`);
    return update((queue, state) => {
      state.rejected = [...state.rejected, { id: event.id, reason, at: now() }].slice(-KEPT_REJECTIONS);
      return { queue: queue.filter((queued) => queued.id !== event.id) };
    });
  }

  async function post(daemon, batch) {
    try {
      const response = await fetch(`${daemon.url.replace(/\/+$/, '')}/api/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${daemon.token}` },
        body: JSON.stringify({ events: batch }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      let error = null;
      if (!response.ok) error = ((await response.json().catch(() => ({}))) || {}).error || {};
      return { status: response.status, error };
    } catch (failure) {
      return { status: 0, error: { message: String(failure && failure.message) } };
    }
  }

  async function offline(message, status) {
    await update((queue, state) => {
      state.failures += 1;
      state.nextAttemptAt = now() + backoffMs(state.failures);
      state.lastError = message;
    });
    return { status };
  }

  // Sends everything queued, batch by batch. Returns {status: 'delivered' | 'empty' |
  // 'waiting' (backing off) | 'offline' | 'unauthorized' | 'unpaired'}.
  async function deliver(daemon, { force }) {
    if (!daemon || !daemon.url || !daemon.token) return { status: 'unpaired' };
    let size = batchSize;
    let sent = 0;
    for (;;) {
      const { queue, state } = await read();
      if (!queue.length) return { status: sent ? 'delivered' : 'empty' };
      if (!force && !sent && now() < state.nextAttemptAt) return { status: 'waiting' };
      const batch = queue.slice(0, size);
      const { status, error } = await post(daemon, batch);
      if (status >= 200 && status < 300) {
        await removeIds(batch.map((event) => event.id));
        await update((_, current) => {
          Object.assign(current, { failures: 0, nextAttemptAt: 0, lastError: null, lastDeliveredAt: now() });
        });
        sent += batch.length;
      } else if (status === 401 || status === 403) {
        return offline('unauthorized', 'unauthorized');
      } else if (status === 413 && size > 1) {
        size = Math.ceil(size / 2);
      } else if (status >= 400 && status < 500) {
        const index = rejectedIndex(error.field);
        if (index !== null && batch[index]) {
          await reject(batch[index], `${error.field}: ${error.message || status}`);
        } else if (batch.length > 1) {
          size = 1; // find the bad event by sending one at a time
        } else {
          await reject(batch[0], `${error.field || 'HTTP ' + status}: ${error.message || ''}`.trim());
        }
      } else {
        return offline(status ? `HTTP ${status}` : error.message || 'unreachable', 'offline');
      }
    }
  }

  // One flush at a time; a second caller shares the running one.
  function flush(daemon, { force = false } = {}) {
    if (!running) running = deliver(daemon, { force }).finally(() => (running = null));
    return running;
  }

  async function stats() {
    const { queue, state } = await read();
    return { pending: queue.length, ...state };
  }

  return { enqueue, flush, stats };
}
