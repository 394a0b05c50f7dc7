// Runs extension/queue.js (with an in-memory storage) against a REAL daemon: three events,
// the middle one with a timestamp far in the future. Prints the queue's stats as JSON.
// Run by tests/test_extension_daemon.py. Usage: node daemon_contract.mjs URL TOKEN
import { createQueue } from '../../extension/queue.js';
import { localTimestamp } from '../../extension/ledger.js';

const [url, token] = process.argv.slice(2);
const data = new Map();
const storage = {
  async get(keys) {
    return Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, JSON.parse(data.get(k))]));
  },
  async set(items) {
    for (const [k, v] of Object.entries(items)) data.set(k, JSON.stringify(v));
  },
};
const queue = createQueue({ storage, fetch, log: (line) => console.error(line) });
const now = Date.now();
await queue.enqueue([
  { ts: localTimestamp(now), site: 'chatgpt.com', kind: 'prompt', count: 1, model: 'gpt-5', label: 'homework' },
  { ts: '2099-01-01T00:00:00+00:00', site: 'claude.ai', kind: 'prompt', count: 1 },
  { ts: localTimestamp(now), site: 'www.midjourney.com', kind: 'image', count: 4, regenerated: true },
]);
const result = await queue.flush({ url, token });
console.log(JSON.stringify({ result, stats: await queue.stats() }));
