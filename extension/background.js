// The background: the only part that writes to the daemon (the popup only listens to GET
// /live). A service worker in Chromium ("service_worker", type module) and an event page
// in Firefox ("scripts"); either may be stopped at any time, so every listener is
// registered at top level and every piece of state that matters lives in extension
// storage (queue.js, ledger.js, settings.js).
import './engine.js';
import { createCaps, validModel } from './caps.js';
import { checkDaemon, daemonProves } from './daemon.js';
import { createLedger, localTimestamp } from './ledger.js';
import { askNativeHost } from './native.js';
import { createQueue } from './queue.js';
import { ADAPTERS, adapterById, adapterForHost, requestHosts } from './registry.js';
import { readSettings } from './managed.js'; // the user's settings with the school's policy on top
import { CONNECTION_KEY, LABELS, writeSettings } from './settings.js';
import { changeShared, syncShared } from './shared_settings.js';

const api = globalThis.browser ?? globalThis.chrome;
const engine = globalThis.AIFootprintEngine;
const storage = api.storage.local;
const queue = createQueue({ storage, fetch: (...args) => fetch(...args) });
const ledger = createLedger({ storage });
// In session storage: kept while the browser runs, across worker restarts.
const caps = createCaps({ storage: api.storage.session || memoryStorage() });
const TICK_ALARM = 'aifootprint-tick';
const REQUEST_FILTER = { urls: requestHosts().map((host) => `https://${host}/*`), types: ['xmlhttprequest'] };

// ---- counting --------------------------------------------------------------------------

function memoryStorage() {
  const data = {};
  return {
    get: async (keys) => Object.fromEntries(keys.filter((key) => key in data).map((key) => [key, data[key]])),
    set: async (values) => void Object.assign(data, values),
  };
}

function eventFrom(signal, site, settings) {
  const at = Number.isFinite(signal.at) ? signal.at : Date.now(); // a backup keeps its request's time
  const event = { ts: localTimestamp(at), site, kind: signal.kind, count: signal.count };
  if (signal.kind === 'video' && signal.seconds !== undefined) event.seconds = signal.seconds;
  if (validModel(signal.model)) event.model = signal.model; // else the event keeps no model
  if (settings.label) event.label = settings.label;
  if (signal.regenerated) event.regenerated = true;
  return event;
}

function validSignal(signal) {
  return (
    ['prompt', 'image', 'video'].includes(signal.kind) &&
    Number.isInteger(signal.count) && signal.count >= 1 && signal.count <= 1000 &&
    (signal.seconds === undefined || (Number.isFinite(signal.seconds) && signal.seconds > 0 && signal.seconds <= 3600))
  );
}

// Stores one counted generation from tab `tabId`: queue first (for the daemon), then the
// local counts. What is over the caps (caps.js) is dropped here, whichever signal sent it.
async function record(adapter, site, signal, tabId) {
  await syncShared({ storage, fetch }); // the daemon's pause and label, when it answers
  const settings = await readSettings(storage);
  if (settings.paused || settings.disabledSites.includes(adapter.id) || !validSignal(signal)) return;
  if (signal.dedupe !== undefined && (await ledger.seenBefore(`${adapter.id}:${signal.dedupe}`))) return;
  const count = await caps.admit({ tab: tabId, site, kind: signal.kind, count: signal.count });
  if (!count) return;
  const event = eventFrom({ ...signal, count }, site, settings);
  await queue.enqueue([event]);
  await ledger.count(event);
  await ledger.noteMatch(adapter.id);
  await deliver();
  await showBadge();
}

async function deliver({ force = false, repaired = false } = {}) {
  const settings = await readSettings(storage);
  const result = await flushToOwnDaemon(settings, force);
  if (result.status === 'delivered') await rememberCheck({ state: 'connected' });
  if (['offline', 'unauthorized', 'unpaired'].includes(result.status)) {
    await rememberCheck({ state: result.status });
    // The daemon may have moved to another port, or the token changed: ask the host once.
    if (!repaired && (await pairNatively())) return deliver({ force: true, repaired: true });
  }
  return result;
}

// The queue's token goes only to a daemon that proved it is this user's (daemon.js).
async function flushToOwnDaemon(settings, force) {
  const daemon = { url: settings.daemonUrl, token: settings.token };
  if (daemon.url && daemon.token && (await queue.stats()).pending) {
    const proof = await daemonProves(fetch, daemon.url, daemon.token);
    if (proof !== 'proven') return { status: proof === 'offline' ? 'offline' : 'unauthorized' };
  }
  return queue.flush(daemon, { force });
}

// Asks the native host (native.js) for this user's daemon; pairs when its answer checks
// out. At most once a minute: each ask starts a process.
const NATIVE_RETRY_MS = 60000;
let lastNativeAsk = -Infinity;

async function pairNatively() {
  if (Date.now() - lastNativeAsk < NATIVE_RETRY_MS) return false;
  lastNativeAsk = Date.now();
  const found = await askNativeHost(api.runtime);
  const settings = await readSettings(storage);
  if (!found || (found.url === settings.daemonUrl && found.token === settings.token)) return false;
  const result = await checkDaemon(fetch, found.url, found.token);
  if (result.state !== 'connected') return false;
  await writeSettings(storage, { daemonUrl: result.url, token: found.token });
  await rememberCheck(result);
  return true;
}

// A content-script event (MAIN world -> isolated world -> here). 'observed' (a matched
// request that counts nothing) only claims the backup signal of that request. A 'late' event
// (a prompt held until its model was known) already claimed it with its 'observed'.
async function onContentSignal(message, sender) {
  const site = engine.hostOf(sender.url || (sender.tab && sender.tab.url) || '');
  const adapter = adapterById(message.adapter);
  if (!adapter || !adapter.hosts.includes(site)) return;
  if (sender.tab && message.rule && !message.late) await ledger.claim(sender.tab.id, `${adapter.id}/${message.rule}`);
  if (message.type === 'generation') await record(adapter, site, message, sender.tab ? sender.tab.id : -1);
}

// ---- the webRequest backup -------------------------------------------------------------
// Sees URL, method, request body, headers and status, never response bodies or WebSocket
// frames. Facts are kept in memory per request id only between its events; the body itself
// (which holds the prompt) is dropped as soon as the headers are known.

const inFlight = new Map();

function pageHostOf(details, adapterHosts) {
  const page = engine.hostOf(details.initiator || details.originUrl || details.documentUrl || '');
  return adapterHosts.includes(page) ? page : null;
}

function bodyText(requestBody) {
  if (!requestBody) return { text: '', bytes: 0 };
  if (requestBody.formData) {
    const form = new URLSearchParams();
    for (const [name, values] of Object.entries(requestBody.formData)) values.forEach((v) => form.append(name, v));
    const text = form.toString();
    return { text, bytes: text.length };
  }
  const parts = (requestBody.raw || []).filter((part) => part.bytes);
  const bytes = parts.reduce((sum, part) => sum + part.bytes.byteLength, 0);
  const text = parts.map((part) => new TextDecoder().decode(part.bytes)).join('');
  return { text, bytes };
}

// The adapter of the page that sent a request, and the rule (or null) that matches it.
function matchDetails(details) {
  if (details.tabId < 0) return null;
  const adapter = ADAPTERS.find((a) => pageHostOf(details, a.hosts));
  if (!adapter) return null;
  const rule = engine.matchRequest(engine.rulesFor([adapter]), details.method, details.url, 'http');
  return { adapter, rule, site: pageHostOf(details, adapter.hosts), tabId: details.tabId, url: details.url };
}

function onBeforeRequest(details) {
  const match = matchDetails(details);
  if (!match) return;
  const body = bodyText(details.requestBody);
  if (match.rule && match.rule.backup !== false) {
    inFlight.set(details.requestId, { ...match, body: body.text });
  } else if (!match.rule && engine.looksLikeGeneration(match.adapter, details.method, details.url, body.bytes)) {
    ledger.noteSuspect(match.adapter.id);
  }
}

function onSendHeaders(details) {
  const request = inFlight.get(details.requestId);
  if (!request) return;
  const headers = Object.fromEntries((details.requestHeaders || []).map((h) => [h.name, h.value || '']));
  request.facts = engine.requestFacts(request.rule, { url: request.url, headers, body: request.body });
  delete request.body;
}

async function onCompleted(details) {
  // Not in memory when the worker was restarted during the request: decide from the URL.
  const request = inFlight.get(details.requestId) || matchDetails(details);
  inFlight.delete(details.requestId);
  if (!request || !request.rule || request.rule.backup === false) return;
  const facts = request.facts || engine.requestFacts(request.rule, { url: request.url, headers: {}, body: request.body });
  const [event] = engine.decide(request.rule, facts, null, details.statusCode);
  if (!event) return;
  const signal = { ...event, adapter: request.adapter.id, site: request.site, at: Date.now() };
  await ledger.backup(request.tabId, `${request.adapter.id}/${request.rule.id}`, signal);
  setTimeout(countUnclaimedBackups, 21 * 1000);
}

async function countUnclaimedBackups() {
  for (const backup of await ledger.takeUnclaimedBackups()) {
    const adapter = adapterById(backup.event.adapter);
    if (adapter) await record(adapter, backup.event.site, backup.event, backup.tabId);
  }
}

// ---- pairing and the popup -------------------------------------------------------------

// Remembers the last check; the daemon's profile and location are kept while it is down.
async function rememberCheck(check) {
  const previous = (await storage.get([CONNECTION_KEY]))[CONNECTION_KEY] || {};
  const connection = {
    state: check.state === 'invalid' ? 'unpaired' : check.state,
    at: Date.now(),
    profile: check.profile ?? previous.profile,
    location: check.location ?? previous.location,
  };
  await storage.set({ [CONNECTION_KEY]: connection });
  return connection;
}

// ---- the toolbar badge: today's uses, the daemon's (every browser) when it answers -------

// A day summary as docs/api.md gives it; anything else (a stand-in) leaves our own counts.
const daySummary = (check) => check.state === 'connected' && Array.isArray(check.summary?.sites);
const usesOf = (counts) => (counts.prompts || 0) + (counts.images || 0) + (counts.videos || 0);

async function todayOf(settings) {
  const check = await checkDaemon(fetch, settings.daemonUrl, settings.token);
  if (daySummary(check)) return { check, uses: usesOf(check.summary) };
  const own = Object.values(await ledger.countsOf()).reduce((sum, counts) => sum + usesOf(counts), 0);
  return { check, uses: own };
}

async function showBadge(known) {
  const { check, uses } = known || (await todayOf(await readSettings(storage)));
  await api.action.setBadgeText({ text: uses ? (uses > 999 ? '999+' : String(uses)) : '' });
  await api.action.setBadgeBackgroundColor({ color: check.state === 'connected' ? '#2e7d5b' : '#6b7280' });
  return check;
}

async function connect(url, token) {
  const result = await checkDaemon(fetch, url, token);
  if (result.state === 'connected') {
    await writeSettings(storage, { daemonUrl: result.url, token });
    await deliver({ force: true });
  }
  await rememberCheck(result);
  return result;
}

async function status() {
  await deliver({ force: true });
  await syncShared({ storage, fetch });
  let settings = await readSettings(storage);
  let today = await todayOf(settings);
  let connection = await rememberCheck(today.check);
  // Opening the popup while not connected is a good moment to ask the native host again.
  if (connection.state !== 'connected' && (await pairNatively())) {
    settings = await readSettings(storage);
    today = await todayOf(settings);
    connection = await rememberCheck(today.check);
  }
  await showBadge(today);
  return {
    settings,
    connection,
    // The daemon's today (every browser on this computer) while it answers.
    daemonToday: daySummary(today.check) ? today.check.summary : null,
    queue: await queue.stats(),
    today: await ledger.countsOf(),
    broken: (await ledger.brokenAdapters()).filter((id) => !settings.disabledSites.includes(id)),
    capped: await caps.droppedToday(),
  };
}

// Who may ask what: the site content scripts speak from a tab of a supported site, the pair
// script from a loopback page, the popup and options from the extension's own pages.
function fromExtensionPage(sender) {
  return typeof sender.url === 'string' && sender.url.startsWith(api.runtime.getURL(''));
}

function fromPairPage(sender) {
  const host = engine.hostOf(sender.url || '');
  return (host === '127.0.0.1' || host === 'localhost') && new URL(sender.url).pathname.startsWith('/pair');
}

function allowed(type, sender) {
  if (sender.id !== api.runtime.id) return false;
  if (type === 'pair') return fromPairPage(sender);
  if (['connect', 'status', 'shared'].includes(type)) return fromExtensionPage(sender);
  return Boolean(sender.tab); // rules, generation, observed: the site content scripts
}

function sharedChanges(changes) {
  const valid = {};
  if (changes && typeof changes.paused === 'boolean') valid.paused = changes.paused;
  if (changes && (changes.label === '' || LABELS.includes(changes.label))) valid.label = changes.label;
  return valid;
}

function onMessage(message, sender) {
  if (!message || !allowed(message.type, sender)) return undefined;
  switch (message.type) {
    case 'rules': {
      const adapter = adapterForHost(message.host);
      return readSettings(storage).then((settings) => ({
        rules: adapter && !settings.disabledSites.includes(adapter.id) ? engine.rulesFor([adapter]) : [],
      }));
    }
    case 'generation':
    case 'observed':
      return onContentSignal(message, sender).then(() => ({ ok: true }));
    case 'pair':
    case 'connect':
      return connect(String(message.url), String(message.token));
    case 'status':
      return status();
    case 'shared': // the popup's pause switch or label: one setting with the daemon's
      return changeShared({ storage, fetch }, sharedChanges(message.changes)).then(status);
    default:
      return undefined;
  }
}

// ---- listeners (top level) -------------------------------------------------------------

function ensureTick() {
  api.alarms.create(TICK_ALARM, { periodInMinutes: 1 });
}

api.runtime.onInstalled.addListener(() => {
  ensureTick();
  deliver({ force: true }); // unpaired on a first install: the native host pairs it
});
api.alarms.get(TICK_ALARM).then((alarm) => alarm || ensureTick());
api.runtime.onStartup.addListener(() => {
  ensureTick();
  deliver({ force: true });
});
api.alarms.onAlarm.addListener(async (alarm) => {
  if (alarm.name !== TICK_ALARM) return;
  await countUnclaimedBackups();
  await deliver();
  await syncShared({ storage, fetch });
  await showBadge(); // other browsers' counts, and a new day
});
api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  const reply = onMessage(message, sender);
  if (!reply) return false;
  reply.then(sendResponse, (error) => sendResponse({ error: String(error) }));
  return true; // answered asynchronously (Chromium needs this instead of a returned promise)
});
api.webRequest.onBeforeRequest.addListener(onBeforeRequest, REQUEST_FILTER, ['requestBody']);
api.webRequest.onSendHeaders.addListener(onSendHeaders, REQUEST_FILTER, ['requestHeaders']);
api.webRequest.onCompleted.addListener(onCompleted, REQUEST_FILTER);
api.webRequest.onErrorOccurred.addListener((details) => inFlight.delete(details.requestId), REQUEST_FILTER);
