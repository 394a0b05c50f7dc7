// Settings a school pushes with its browser policies: Chromium's 3rdparty.extensions.<id>
// policy, checked against managed_schema.json, and Firefox's 3rdparty.Extensions.<gecko id>
// policy (or a managed-storage manifest) both reach the extension as storage.managed.
// A managed value wins over the user's, and the user's over the default; the pages show a
// managed value as set by the school and do not let it be changed (managed_ui.js).
// The pure rules come first (tests/extension/managed.test.js), then the thin storage edge.
// docs/deploy.md is what school IT reads.
import { ADAPTERS } from './registry.js';
import { normalizeDaemonUrl, readSettings as readUserSettings, writeSettings } from './settings.js';

export const POLICY_NAMES = ['classServer', 'joinLink', 'language', 'role', 'trackedSites', 'daemonUrl'];
export const ROLES = ['student', 'teacher'];
const LANGUAGES = ['nl', 'en'];
// The activity label a role starts with: the dashboard's DEFAULT_LABEL.
export const ROLE_LABELS = Object.freeze({ student: 'homework', teacher: 'lesson-prep' });

// A class server address: http(s), no user, query or fragment; kept without a trailing '/'.
export function normalizeClassServer(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    return null;
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

// A join code as the class server prints it (ABCDE-FGHJK); the server checks it for real.
export function normalizeJoinCode(text) {
  const code = String(text ?? '').trim().toUpperCase();
  return /^[A-Z0-9][A-Z0-9-]{0,99}$/.test(code) ? code : null;
}

// A join link carries the server and the code: https://SERVER/join?code=CODE (the server is
// the address without its last '/join'), or any address with ?server=SERVER&code=CODE.
export function parseJoinLink(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch {
    return null;
  }
  if (!['http:', 'https:'].includes(url.protocol)) return null;
  const code = normalizeJoinCode(url.searchParams.get('code'));
  const named = url.searchParams.get('server');
  const server = normalizeClassServer(named ?? `${url.origin}${url.pathname.replace(/\/join\/?$/, '')}`);
  return code && server ? { server, code } : null;
}

const shown = (value) => (typeof value === 'string' ? value : String(JSON.stringify(value))).slice(0, 200);

// The policy object as the browser hands it over -> {policy, invalid}. policy holds only the
// values this version can use; invalid lists [{name, value}] of what it ignored (a bad value,
// an unknown adapter id, an unknown name: Firefox passes any), for the pages to show, so IT
// sees a typo. A tracked-sites list keeps its known ids.
export function readPolicy(raw, adapterIds) {
  const policy = {};
  const invalid = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { policy, invalid };
  const text = (value) => (typeof value === 'string' ? value.trim().toLowerCase() : '');
  const checks = {
    classServer: (value) => (typeof value === 'string' ? normalizeClassServer(value) : null),
    joinLink: (value) => (typeof value === 'string' ? parseJoinLink(value) : null),
    language: (value) => (LANGUAGES.includes(text(value)) ? text(value) : null),
    role: (value) => (ROLES.includes(text(value)) ? text(value) : null),
    daemonUrl: (value) => (typeof value === 'string' ? normalizeDaemonUrl(value) : null),
  };
  for (const [name, check] of Object.entries(checks)) {
    if (raw[name] === undefined) continue;
    const value = check(raw[name]);
    if (value === null) invalid.push({ name, value: shown(raw[name]) });
    else policy[name] = value;
  }
  if (raw.trackedSites !== undefined) {
    const list = Array.isArray(raw.trackedSites) ? raw.trackedSites : [];
    const known = adapterIds.filter((id) => list.some((entry) => text(entry) === id));
    const unknown = list.filter((entry) => !adapterIds.includes(text(entry)));
    if (known.length) policy.trackedSites = known;
    if (!known.length) invalid.push({ name: 'trackedSites', value: shown(raw.trackedSites) });
    else if (unknown.length) invalid.push({ name: 'trackedSites', value: shown(unknown) });
  }
  for (const name of Object.keys(raw).filter((key) => !POLICY_NAMES.includes(key))) invalid.push({ name, value: shown(raw[name]) });
  return { policy, invalid };
}

// The settings in force: the user's (settings.js, defaults filled in) with the school's on
// top. Adds role ('' when the school set none), classServer and joinCode ('' when none; a
// join link wins over classServer, its code belongs to its server), and managed: the names
// of the settings the school fixed, for the pages to grey out.
export function mergeSettings(user, policy, adapterIds) {
  const settings = { ...user, role: '', classServer: '', joinCode: '', managed: [] };
  if (policy.language) {
    settings.lang = policy.language;
    settings.managed.push('lang');
  }
  if (policy.daemonUrl) {
    settings.daemonUrl = policy.daemonUrl;
    settings.managed.push('daemonUrl');
  }
  if (policy.trackedSites) {
    settings.disabledSites = adapterIds.filter((id) => !policy.trackedSites.includes(id));
    settings.managed.push('disabledSites');
  }
  if (policy.role) {
    settings.role = policy.role;
    settings.managed.push('role');
  }
  const school = policy.joinLink ?? (policy.classServer ? { server: policy.classServer, code: '' } : null);
  if (school) {
    settings.classServer = school.server;
    settings.joinCode = school.code;
    settings.managed.push('classServer');
  }
  return settings;
}

// The school's role presets the activity label, once per role: when the user has no label,
// or still the one the previous preset gave. The user may change it afterwards (it is what
// they are doing now, not a rule). Returns the changes to store, or null.
export function rolePreset(user, policy) {
  if (!policy.role || user.presetRole === policy.role) return null;
  const untouched = !user.label || user.label === ROLE_LABELS[user.presetRole];
  return untouched ? { presetRole: policy.role, label: ROLE_LABELS[policy.role] } : { presetRole: policy.role };
}

// The dashboard's address with the school's class server (and join code) for its join form;
// joining still needs the student's preview and click there.
export function dashboardLink(settings) {
  const url = new URL('/', normalizeDaemonUrl(settings.daemonUrl) ?? 'http://127.0.0.1:47474');
  if (settings.classServer) url.searchParams.set('class_server', settings.classServer);
  if (settings.joinCode) url.searchParams.set('class_code', settings.joinCode);
  url.hash = 'class-sharing';
  return url.href;
}

// ---- the edge: storage ------------------------------------------------------------------

// storage.managed's whole object; {} when there is none (Firefox rejects without a policy).
export async function readManaged(area) {
  if (!area) return {};
  try {
    return (await area.get(null)) || {};
  } catch {
    return {};
  }
}

const managedArea = () => (globalThis.browser ?? globalThis.chrome)?.storage?.managed;

// settings.js's readSettings with the school's policy applied; the background, popup and
// options read their settings here. Also stores the role's label preset when it is due.
export async function readSettings(storage, area = managedArea()) {
  const adapterIds = ADAPTERS.map((adapter) => adapter.id);
  const { policy, invalid } = readPolicy(await readManaged(area), adapterIds);
  let user = await readUserSettings(storage);
  const preset = rolePreset(user, policy);
  if (preset) user = await writeSettings(storage, preset);
  return { ...mergeSettings(user, policy, adapterIds), managedInvalid: invalid };
}
