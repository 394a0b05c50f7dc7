// What the background remembers besides the delivery queue, all in extension storage
// (a service worker keeps nothing that matters in memory):
// - today's local counts per site, so the popup is right while the daemon is down;
// - dedupe keys (Perplexity frontend_uuid, Bing result id) for 24 hours;
// - pairing of the two signals: a content-script event "claims" the webRequest backup of
//   the same request (same tab and rule) so it is not counted twice;
// - adapter health: generation-like POSTs that no rule matched, for the popup warning.
// Plain module with injected storage, testable in Node.
import { serializer } from './serial.js';

export const COUNTS_KEY = 'counts';
export const DEDUPE_KEY = 'dedupe';
export const SIGNALS_KEY = 'signals';
export const HEALTH_KEY = 'health';
export const KEPT_DAYS = 35;
export const DEDUPE_MS = 24 * 60 * 60 * 1000;
// A claim waits this long for its backup: the content script reports a chat answer as soon
// as the model is known, webRequest only when the stream ends (long reasoning answers take
// minutes).
export const PAIRING_WINDOW_MS = 15 * 60 * 1000;
export const BACKUP_DELAY_MS = 20 * 1000; // a backup waits this long for its claim
// More claims than a person makes requests in PAIRING_WINDOW_MS (30 a minute at most, see
// caps.js): a page flooding the channel keeps this list, and each claim's cost, bounded.
export const MAX_CLAIMS = 500;
export const SUSPECTS_FOR_WARNING = 3;
const SUSPECT_WINDOW_MS = 24 * 60 * 60 * 1000;

const pad = (n) => String(n).padStart(2, '0');

// The local calendar day of a time, as YYYY-MM-DD (the daemon's summary days are local too).
export function localDay(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// RFC 3339 with the local offset, e.g. 2026-11-29T10:04:05+01:00.
export function localTimestamp(ms) {
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${localDay(ms)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

export function createLedger({ storage, now = () => Date.now() }) {
  const serialized = serializer();

  function change(key, fallback, edit) {
    return serialized(async () => {
      const value = (await storage.get([key]))[key] ?? structuredClone(fallback);
      const result = edit(value);
      await storage.set({ [key]: value });
      return result;
    });
  }

  // Adds an event to the local per-day, per-site counts; keeps KEPT_DAYS days.
  function count(event) {
    return change(COUNTS_KEY, {}, (days) => {
      const day = (days[localDay(now())] ||= {});
      const site = (day[event.site] ||= { prompts: 0, images: 0 });
      if (event.kind === 'image') site.images += event.count;
      else if (event.kind === 'video') {
        site.videos = (site.videos || 0) + event.count;
        if (event.seconds !== undefined) {
          site.video_seconds = (site.video_seconds || 0) + event.seconds * event.count;
          site.videos_timed = (site.videos_timed || 0) + event.count;
        }
      } else site.prompts += event.count;
      const oldest = localDay(now() - KEPT_DAYS * 24 * 60 * 60 * 1000);
      for (const key of Object.keys(days)) if (key < oldest) delete days[key];
    });
  }

  async function countsOf(day = localDay(now())) {
    return ((await storage.get([COUNTS_KEY]))[COUNTS_KEY] || {})[day] || {};
  }

  // True when this key was seen in the last 24 hours; records it otherwise.
  function seenBefore(key) {
    return change(DEDUPE_KEY, {}, (keys) => {
      for (const [old, at] of Object.entries(keys)) if (now() - at > DEDUPE_MS) delete keys[old];
      if (keys[key]) return true;
      keys[key] = now();
      return false;
    });
  }

  const fresh = (list, window) => list.filter((entry) => now() - entry.at <= window);

  // A content-script event for (tab, rule): drops a waiting backup of it, or leaves a claim.
  function claim(tabId, rule) {
    return change(SIGNALS_KEY, { claims: [], backups: [] }, (signals) => {
      signals.backups = fresh(signals.backups, PAIRING_WINDOW_MS);
      const index = signals.backups.findIndex((b) => b.tabId === tabId && b.rule === rule);
      if (index >= 0) signals.backups.splice(index, 1);
      else signals.claims = [...fresh(signals.claims, PAIRING_WINDOW_MS), { tabId, rule, at: now() }].slice(-MAX_CLAIMS);
    });
  }

  // A webRequest backup event: consumed by an earlier claim, or left waiting BACKUP_DELAY_MS.
  function backup(tabId, rule, event) {
    return change(SIGNALS_KEY, { claims: [], backups: [] }, (signals) => {
      signals.claims = fresh(signals.claims, PAIRING_WINDOW_MS);
      const index = signals.claims.findIndex((c) => c.tabId === tabId && c.rule === rule);
      if (index >= 0) signals.claims.splice(index, 1);
      else signals.backups.push({ tabId, rule, event, at: now() });
    });
  }

  // Backups no content event claimed in time: these are counted from the backup signal.
  function takeUnclaimedBackups() {
    return change(SIGNALS_KEY, { claims: [], backups: [] }, (signals) => {
      const due = signals.backups.filter((b) => now() - b.at >= BACKUP_DELAY_MS);
      signals.backups = signals.backups.filter((b) => now() - b.at < BACKUP_DELAY_MS);
      return due;
    });
  }

  function noteMatch(adapterId) {
    return change(HEALTH_KEY, {}, (health) => {
      health[adapterId] = { lastMatchAt: now(), suspects: [] };
    });
  }

  function noteSuspect(adapterId) {
    return change(HEALTH_KEY, {}, (health) => {
      const entry = (health[adapterId] ||= { lastMatchAt: null, suspects: [] });
      entry.suspects = [...entry.suspects.filter((at) => now() - at <= SUSPECT_WINDOW_MS), now()].slice(-20);
    });
  }

  // Adapters whose site sent generation-like requests that nothing counted, since the last
  // counted one: the popup warns about these instead of showing a silent zero.
  async function brokenAdapters() {
    const health = (await storage.get([HEALTH_KEY]))[HEALTH_KEY] || {};
    return Object.entries(health)
      .filter(([, entry]) => entry.suspects.filter((at) => now() - at <= SUSPECT_WINDOW_MS).length >= SUSPECTS_FOR_WARNING)
      .map(([adapterId]) => adapterId);
  }

  return { count, countsOf, seenBefore, claim, backup, takeUnclaimedBackups, noteMatch, noteSuspect, brokenAdapters };
}
