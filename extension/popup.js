// The popup: today's footprint, the daemon's (every browser on this computer) while it
// answers and the extension's own counts while it does not, saying which; the connection
// state and what to do about it; pause and the activity label, shared with the daemon
// (shared_settings.js); the dashboard. Follows the daemon's changes while open (live.js).
import { summarize } from './footprint.js';
import { equivalentNumber, exactNumber, formatCo2, formatEnergy, formatNumber, formatWater } from './format.js';
import { countText, loadCatalog, translatePage } from './i18n.js';
import { adapterById } from './registry.js';
import { readSettings } from './managed.js';
import { showSchool } from './managed_ui.js';
import { followChanges } from './live.js';
import { dashboardUrl } from './settings.js';

const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

async function loadFactors() {
  return (await fetch(api.runtime.getURL('shared_factors.json'))).json();
}

function totalsOf(today) {
  const totals = { prompts: 0, images: 0, videos: 0, video_seconds: 0, videos_timed: 0 };
  for (const counts of Object.values(today)) {
    for (const field of Object.keys(totals)) totals[field] += counts[field] || 0;
  }
  return totals;
}

// '1 prompt', '3 prompts'.
const promptCount = (catalog, n) => countText(catalog.lang, n, catalog.t('prompts_one'), catalog.t('prompts'));
const imageCount = (catalog, n) => countText(catalog.lang, n, catalog.t('images_one'), catalog.t('images'));
const videoCount = (catalog, n) => countText(catalog.lang, n, catalog.t('videos_one'), catalog.t('videos'));

function equivalentText(catalog, equivalent) {
  const number = equivalentNumber(equivalent.amount, catalog.lang, equivalent.key);
  // The only keys built at run time: eq_<key> for each of footprint.js's equivalents.
  const one = number === '1' && catalog.t(`eq_${equivalent.key}_one`);
  return one || catalog.t(`eq_${equivalent.key}`, { n: number });
}

// The daemon's profile and location when known (so the figures match the dashboard),
// else the factor table's defaults.
function choiceOf(factors, connection) {
  const profile = factors.profiles[connection.profile] ? connection.profile : factors.defaults.profile;
  const location = factors.locations[connection.location] ? connection.location : factors.defaults.location;
  return { profile, location };
}

// The daemon's summary when connected, else one computed from our own ledger: one shape.
function todaySummary(factors, status, choice) {
  return status.daemonToday || summarize(factors, totalsOf(status.today), choice.profile, choice.location);
}

function siteRows(factors, status, choice) {
  if (status.daemonToday) return status.daemonToday.sites.map((site) => ({ site: site.name, counts: site, wh: site.energy_wh }));
  return Object.entries(status.today)
    .map(([site, counts]) => ({ site, counts, wh: summarize(factors, counts, choice.profile, choice.location).energy_wh }))
    .sort((a, b) => b.wh - a.wh || a.site.localeCompare(b.site));
}

function showSource(catalog, status) {
  const box = $('source');
  box.dataset.source = status.daemonToday ? 'daemon' : 'browser';
  box.textContent = status.daemonToday ? catalog.t('todaySourceDaemon') : catalog.t('todaySourceBrowser');
}

function showTotals(catalog, summary) {
  const { lang } = catalog;
  $('prompts').textContent = formatNumber(summary.prompts, lang, 0);
  $('prompts-label').textContent = summary.prompts === 1 ? catalog.t('prompts_one') : catalog.t('prompts');
  $('images').textContent = formatNumber(summary.images, lang, 0);
  $('images-label').textContent = summary.images === 1 ? catalog.t('images_one') : catalog.t('images');
  $('videos').textContent = formatNumber(summary.videos, lang, 0);
  $('videos-label').textContent = summary.videos === 1 ? catalog.t('videos_one') : catalog.t('videos');
  $('videos-part').classList.toggle('hidden', summary.videos === 0);
  $('videos-note').classList.toggle('hidden', !summary.videos_without_factor);
  const rows = [['energy', 'energy_wh', formatEnergy], ['co2', 'co2_g', formatCo2], ['water', 'water_ml', formatWater]];
  for (const [id, metric, formatter] of rows) {
    $(id).textContent = formatter(summary[metric], lang);
    const { low, high } = summary.range[metric];
    // A value never wraps inside ('66 / Wh'); the line breaks between the words around it.
    const whole = (value) => formatter(value, lang).replace(/ /g, '\u00a0');
    $(`${id}-range`).textContent = catalog.t('rangeLabel', { low: whole(low), high: whole(high) });
  }
  const energy = summary.equivalents.find((e) => e.metric === 'energy_wh');
  const used = summary.prompts + summary.images + summary.videos > 0;
  $('equivalent').textContent = used ? catalog.t('equivalentIntro', { text: equivalentText(catalog, energy) }) : '';
  $('equivalent').title = used ? catalog.t('equivalentExact', { n: exactNumber(energy.amount, lang) }) : '';
}

function showSites(catalog, rows) {
  const list = $('sites');
  list.replaceChildren();
  for (const { site, counts, wh } of rows) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    const host = document.createElement('span');
    host.className = 'name'; // a host name breaks at its dots, never inside a word
    host.textContent = site;
    const parts = [promptCount(catalog, counts.prompts), imageCount(catalog, counts.images)];
    if (counts.videos) parts.push(videoCount(catalog, counts.videos));
    name.append(host, `: ${parts.join(', ')}`);
    const energy = document.createElement('span');
    energy.className = 'site-energy';
    energy.textContent = formatEnergy(wh, catalog.lang);
    item.append(name, energy);
    list.append(item);
  }
  $('no-use').classList.toggle('hidden', rows.length > 0);
}

function showConnection(catalog, status) {
  const box = $('connection');
  const state = status.connection.state;
  box.className = `banner ${state === 'connected' ? 'ok' : 'warn'}`;
  box.replaceChildren();
  const lines = state === 'connected' ? [catalog.t('connected')]
    : state === 'unauthorized' ? [catalog.t('unauthorizedHelp')]
    : [catalog.t('notConnectedTitle'), catalog.t('notConnectedHelp')];
  for (const line of lines) {
    const p = document.createElement('p');
    p.textContent = line;
    box.append(p);
  }
  box.dataset.state = state;
  if (state !== 'connected') {
    const open = document.createElement('button');
    open.type = 'button';
    open.textContent = catalog.t('openPairPage');
    open.addEventListener('click', () => api.tabs.create({ url: `${status.settings.daemonUrl}/pair` }));
    box.append(open);
  }
}

function showQueue(catalog, queue) {
  const lines = [];
  const n = (count) => ({ n: formatNumber(count, catalog.lang, 0) });
  // One text for exactly one ('1 telling wacht'), another for more ('3 tellingen wachten').
  if (queue.pending === 1) lines.push(catalog.t('pendingEvents_one'));
  else if (queue.pending) lines.push(catalog.t('pendingEvents', n(queue.pending)));
  if (queue.dropped === 1) lines.push(catalog.t('droppedEvents_one'));
  else if (queue.dropped) lines.push(catalog.t('droppedEvents', n(queue.dropped)));
  const rejected = queue.rejected ? queue.rejected.length : 0;
  if (rejected === 1) lines.push(catalog.t('rejectedEvents_one'));
  else if (rejected) lines.push(catalog.t('rejectedEvents', n(rejected)));
  $('queue').textContent = lines.join(' ');
}

// Prompts and images the background dropped today as more than a person can send (caps.js).
function showCapped(catalog, capped) {
  const box = $('capped');
  box.textContent = capped ? catalog.t('cappedCounts', { n: formatNumber(capped, catalog.lang, 0) }) : '';
  box.dataset.count = String(capped || 0);
  box.classList.toggle('hidden', !capped);
}

function showBroken(catalog, broken) {
  const box = $('broken');
  box.replaceChildren();
  for (const id of broken) {
    const adapter = adapterById(id);
    const p = document.createElement('p');
    p.className = 'banner warn broken-adapter';
    p.dataset.adapter = id;
    p.textContent = catalog.t('brokenWarning', { site: adapter ? adapter.name : id });
    box.append(p);
  }
  box.classList.toggle('hidden', broken.length === 0);
}

// Firefox makes MV3 host permissions opt-in: ask on a click, and say why.
async function showPermissions() {
  const origins = api.runtime.getManifest().host_permissions;
  const granted = await api.permissions.contains({ origins });
  $('permissions').classList.toggle('hidden', granted);
  $('grant').onclick = async () => {
    if (await api.permissions.request({ origins })) $('permissions').classList.add('hidden');
  };
}

function showShared(settings) {
  $('pause').checked = settings.paused;
  $('paused-note').classList.toggle('hidden', !settings.paused);
  $('label').value = settings.label;
}

// The dashboard in a new tab. For now its plain address; where opening it needs a login
// link, that is made here.
function openDashboard(settings) {
  return api.tabs.create({ url: dashboardUrl(settings) });
}

// Asks the background; without an answer (it failed to start) the page still shows.
async function askStatus(message, settings) {
  const fallback = { settings, connection: { state: 'offline' }, queue: {}, today: {}, broken: [], daemonToday: null };
  return api.runtime.sendMessage(message).then((reply) => (reply && reply.today ? reply : fallback), () => fallback);
}

function show(catalog, factors, status) {
  const choice = choiceOf(factors, status.daemonToday || status.connection);
  showShared(status.settings);
  showSource(catalog, status);
  showTotals(catalog, todaySummary(factors, status, choice));
  showSites(catalog, siteRows(factors, status, choice));
  $('scope').textContent = catalog.t('scopeNote', {
    profile: factors.profiles[choice.profile].label[catalog.lang],
    location: factors.locations[choice.location].label[catalog.lang],
  });
  showConnection(catalog, status);
  showQueue(catalog, status.queue);
  showBroken(catalog, status.broken);
  showCapped(catalog, status.capped);
  document.body.dataset.source = status.daemonToday ? 'daemon' : 'browser';
}

function bindControls(catalog, factors, settings) {
  const change = async (changes) => show(catalog, factors, await askStatus({ type: 'shared', changes }, settings));
  $('pause').addEventListener('change', (event) => change({ paused: event.target.checked }));
  $('label').addEventListener('change', (event) => change({ label: event.target.value }));
  $('options').addEventListener('click', () => api.runtime.openOptionsPage());
  $('open-dashboard').addEventListener('click', async () => openDashboard(await readSettings(api.storage.local)));
}

async function main() {
  const settings = await readSettings(api.storage.local);
  const [catalog, factors, status] = await Promise.all([
    loadCatalog(api, settings.lang), loadFactors(), askStatus({ type: 'status' }, settings),
  ]);
  translatePage(document, catalog);
  bindControls(catalog, factors, settings);
  show(catalog, factors, status);
  showSchool($('school'), catalog, settings, { compact: true }); // the school's class server, if set
  await showPermissions();
  document.body.dataset.ready = 'true';
  // While open: a change anywhere (a count in another browser, pause in the tray) shows
  // here within a second. The daemon's first event comes as the stream opens.
  let shown = 0;
  if (status.settings.token) followChanges({
    url: status.settings.daemonUrl,
    token: status.settings.token,
    onChange: async () => {
      const fresh = await askStatus({ type: 'status' }, settings);
      show(catalog, factors, fresh);
      document.body.dataset.updates = String(++shown);
    },
  });
}

main();
