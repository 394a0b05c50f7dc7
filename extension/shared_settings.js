// Pause and the activity label: one setting that the popup, the tray and the dashboard
// share. While the daemon answers, its GET/PUT /api/v1/settings are the truth; while it
// does not, the extension keeps its own copy with the time of each change, and when the
// daemon answers again the later change wins (our `changedAt` against the daemon's
// paused_changed_at / label_changed_at; one clock, this computer's).
// Plain module: storage and fetch are injected, so Node tests run it against a fake daemon.
import { readSettings, writeSettings } from './settings.js';

export const SHARED = ['paused', 'label'];
const TIMEOUT_MS = 2000; // loopback answers in milliseconds; a hung daemon must not hold a count

// The extension keeps '' for no label, the daemon null.
const daemonValue = (name, value) => (name === 'paused' ? Boolean(value) : value || null);
const localValue = (name, value) => (name === 'paused' ? Boolean(value) : value || '');

async function settingsCall(fetch, daemon, method, body) {
  const response = await fetch(`${daemon.url}/api/v1/settings`, {
    method,
    headers: { Authorization: `Bearer ${daemon.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

// What to do with each shared setting: {push: changes for the daemon, adopt: changes for
// our copy}. A value differing from the daemon's is pushed when our change is later, or
// when the daemon never had one (a school's role preset); otherwise the daemon's is taken.
export function reconcile(local, remote) {
  const push = {};
  const adopt = { changedAt: { ...(local.changedAt || {}) } };
  for (const name of SHARED) {
    const ours = localValue(name, local[name]);
    const theirs = localValue(name, remote[name]);
    const theirTime = Date.parse(remote[`${name}_changed_at`] || '') || 0;
    const ourTime = adopt.changedAt[name] || 0;
    if (ours === theirs) continue;
    if (ourTime > theirTime || (!theirTime && ours)) push[name] = daemonValue(name, ours);
    else {
      adopt[name] = theirs;
      adopt.changedAt[name] = theirTime;
    }
  }
  return { push, adopt };
}

function paired(settings) {
  return settings.daemonUrl && settings.token ? { url: settings.daemonUrl, token: settings.token } : null;
}

// Brings our copy and the daemon's in step. Returns our settings afterwards and whether the
// daemon answered.
export async function syncShared({ storage, fetch }) {
  const local = await readSettings(storage);
  const daemon = paired(local);
  if (!daemon) return { settings: local, connected: false };
  try {
    const remote = await settingsCall(fetch, daemon, 'GET');
    const { push, adopt } = reconcile(local, remote);
    if (Object.keys(push).length) await settingsCall(fetch, daemon, 'PUT', push);
    return { settings: await writeSettings(storage, adopt), connected: true };
  } catch {
    return { settings: local, connected: false };
  }
}

// A change made in the popup: kept here with its time, and sent to the daemon when it
// answers (else the next syncShared sends it, if nothing later happened there).
export async function changeShared({ storage, fetch, now = Date.now }, changes) {
  const local = await readSettings(storage);
  const changedAt = { ...(local.changedAt || {}) };
  for (const name of Object.keys(changes)) changedAt[name] = now();
  const settings = await writeSettings(storage, { ...changes, changedAt });
  const daemon = paired(settings);
  if (!daemon) return { settings, connected: false };
  try {
    const body = Object.fromEntries(Object.entries(changes).map(([name, value]) => [name, daemonValue(name, value)]));
    await settingsCall(fetch, daemon, 'PUT', body);
    return { settings, connected: true };
  } catch {
    return { settings, connected: false };
  }
}
