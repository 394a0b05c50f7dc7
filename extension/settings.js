// The user's settings in extension storage, shared by the background, popup and options.
export const SETTINGS_KEY = 'settings';
export const CONNECTION_KEY = 'connection';
export const DEFAULT_DAEMON_URL = 'http://127.0.0.1:47474';

// The dashboard's address. One place to change when opening it needs a login link.
export function dashboardUrl(settings) {
  return `${normalizeDaemonUrl(settings.daemonUrl) ?? DEFAULT_DAEMON_URL}/`;
}
export const LABELS = ['homework', 'lesson-prep', 'study', 'other']; // the tray's and dashboard's too

export const DEFAULT_SETTINGS = Object.freeze({
  daemonUrl: DEFAULT_DAEMON_URL,
  token: '',
  paused: false,
  label: '', // '' = no label; else one of LABELS
  lang: 'auto', // auto (from the browser), nl or en
  disabledSites: [], // adapter ids the user does not want tracked
  changedAt: {}, // when pause and label last changed here (ms): shared_settings.js
});

export async function readSettings(storage) {
  const stored = (await storage.get([SETTINGS_KEY]))[SETTINGS_KEY] || {};
  return { ...DEFAULT_SETTINGS, ...stored };
}

export async function writeSettings(storage, changes) {
  const current = await readSettings(storage);
  const next = { ...current, ...changes };
  await storage.set({ [SETTINGS_KEY]: next });
  return next;
}

// A daemon URL must be loopback http: the extension talks to nothing else.
export function normalizeDaemonUrl(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  return url.origin;
}
