// Caps on what the sites' pages can add, enforced in the background: the trust boundary.
// Whatever a tab sends (a page can make the MAIN-world script see fake answers, and a page
// that opened its own window can even write to the channel: see main_world.js), no more than
// a person can make is stored. The excess is dropped, logged (a console warning, never any
// text of the page) and counted for the popup.
//
// The numbers (a prompt is one message a person types and sends; an image is one picture):
// - Per message: 1 prompt (one request is one prompt, by construction of every rule) and 40
//   images. The largest single requests the sites allow: Midjourney makes 4 images a job and
//   one submission with --repeat or a {permutation} makes up to 10 jobs on the Standard plan
//   (40 images); Ideogram and Leonardo make up to 8 per request, Firefly and Bing 4, a
//   ChatGPT or Gemini image turn a few.
// - Per tab, per minute (the last 60 seconds): 30 prompts, 80 images. Typing, sending and
//   reading an answer takes more than 2 seconds even for "yes" or "go on"; 80 images is two
//   of the largest Midjourney submissions a minute, which its job queue would not even run.
// - All tabs together, per minute: 60 prompts, 160 images. A person works in one tab at a
//   time; twice the per-tab cap leaves room for answers still streaming in another tab.
// - Videos: 4 per message (a Midjourney video job makes at most 4, --bs 4; Sora and Firefly
//   a few variants), 40 per tab and 80 in all tabs a minute: jobs are submitted in seconds
//   and queued (Midjourney queues up to 10 jobs of 4), though each takes minutes to make.
// Model names: 1 to 64 characters, a letter or digit first, then letters, digits and
// . _ : / + - (gpt-5-mini, claude-sonnet-4-5, a Leonardo model UUID, Gemini's hash,
// "relax"). Anything else is dropped and the event keeps no model.
//
// The recent counts and the dropped totals per day live in storage.session (memory that
// survives a service worker restart, so stopping the worker does not reset a minute; it is
// emptied when the browser quits), read once per worker and written on every change.
// Plain module with injected storage and clock, testable in Node.
import { localDay } from './ledger.js';
import { serializer } from './serial.js';

export const CAPS = Object.freeze({
  message: Object.freeze({ prompt: 1, image: 40, video: 4 }),
  tab: Object.freeze({ prompt: 30, image: 80, video: 40 }),
  all: Object.freeze({ prompt: 60, image: 160, video: 80 }),
});
export const CAP_WINDOW_MS = 60 * 1000;
export const CAPS_KEY = 'caps';
const KEPT_DAYS = 2;
export const MODEL_SHAPE = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,63}$/;

export function validModel(model) {
  return typeof model === 'string' && MODEL_SHAPE.test(model);
}

const SCOPES = { message: 'in one message', tab: 'a minute in one tab', all: 'a minute in all tabs' };

// storage: session storage (or any {get, set}).
export function createCaps({ storage, now = () => Date.now(), warn = (text) => console.warn(text) }) {
  const serialized = serializer();
  const warned = new Map(); // tab/kind -> when its drops were last logged
  let state = null; // {recent: [{tab, kind, count, at}], dropped: {day: n}}, this worker's copy

  async function load() {
    state ||= (await storage.get([CAPS_KEY]))[CAPS_KEY] || { recent: [], dropped: {} };
    return state;
  }

  function log(tab, site, kind, dropped, scope) {
    const key = `${tab}/${kind}`;
    if (now() - (warned.get(key) ?? -Infinity) < CAP_WINDOW_MS) return; // once a minute per tab
    warned.set(key, now());
    const noun = `${kind}(s)`;
    warn(`AI Footprint: dropped ${dropped} ${noun} from ${site} (tab ${tab}): more than ${CAPS[scope][kind]} ` +
      `${kind}s ${SCOPES[scope]}. Further drops from this tab in the next minute are counted, not logged.`);
  }

  // How much of a signal of `count` `kind`s from `tab` may be stored (0 to count); the rest
  // is dropped. What is admitted counts towards the caps.
  function admit({ tab, site, kind, count }) {
    return serialized(async () => {
      const at = now();
      const current = await load();
      const entries = current.recent.filter((e) => at - e.at < CAP_WINDOW_MS);
      const used = (filter) => entries.filter((e) => e.kind === kind && filter(e)).reduce((sum, e) => sum + e.count, 0);
      const room = {
        message: CAPS.message[kind],
        tab: CAPS.tab[kind] - used((e) => e.tab === tab),
        all: CAPS.all[kind] - used(() => true),
      };
      const scope = Object.keys(room).reduce((a, b) => (room[b] < room[a] ? b : a));
      const allowed = Math.max(0, Math.min(count, room[scope]));
      if (allowed > 0) entries.push({ tab, kind, count: allowed, at });
      current.recent = entries;
      const dropped = count - allowed;
      if (dropped > 0) {
        const days = current.dropped;
        days[localDay(at)] = (days[localDay(at)] || 0) + dropped;
        for (const day of Object.keys(days).sort().slice(0, -KEPT_DAYS)) delete days[day];
        log(tab, site, kind, dropped, scope);
      }
      await storage.set({ [CAPS_KEY]: current });
      return allowed;
    });
  }

  // Prompts and images dropped today (since the browser started), for the popup.
  function droppedToday() {
    return serialized(async () => (await load()).dropped[localDay(now())] || 0);
  }

  return { admit, droppedToday };
}
