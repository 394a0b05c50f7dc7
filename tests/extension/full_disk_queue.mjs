// Runs extension/queue.js (with an in-memory storage) against a REAL daemon whose disk is
// full: queues COUNT events, flushes (the daemon answers 503), prints the stats as one JSON
// line, waits for a line on stdin (the test frees the disk), flushes again and prints the
// result and stats. Run by tests/test_disk_trouble.py. Usage: node full_disk_queue.mjs URL TOKEN COUNT
import { createInterface } from 'node:readline';
import { createQueue } from '../../extension/queue.js';
import { localTimestamp } from '../../extension/ledger.js';

const [url, token, count] = process.argv.slice(2);
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
const model = 'm'.repeat(200); // the longest model name the daemon takes: more bytes per event
const events = Array.from({ length: Number(count) }, () => (
  { ts: localTimestamp(Date.now()), site: 'chatgpt.com', kind: 'prompt', count: 1, model }));
await queue.enqueue(events);
const full = await queue.flush({ url, token });
console.log(JSON.stringify({ result: full, stats: await queue.stats() }));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
await lines.next();
const freed = await queue.flush({ url, token }, { force: true });
console.log(JSON.stringify({ result: freed, stats: await queue.stats() }));
process.exit(0);
