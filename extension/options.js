// Options: daemon URL and token by hand (pairing via /pair is the easy way), host access
// (opt-in in Firefox), which sites are tracked, the language.
import { loadCatalog, translatePage } from './i18n.js';
import { ADAPTERS } from './registry.js';
import { readSettings } from './managed.js';
import { showManagedOptions } from './managed_ui.js';
import { normalizeDaemonUrl, writeSettings } from './settings.js';

const api = globalThis.browser ?? globalThis.chrome;
const storage = api.storage.local;
const $ = (id) => document.getElementById(id);

function showSites(settings) {
  const list = $('sites');
  list.replaceChildren();
  for (const adapter of ADAPTERS) {
    const label = document.createElement('label');
    const checkbox = document.createElement('input');
    checkbox.type = 'checkbox';
    checkbox.dataset.adapter = adapter.id;
    checkbox.checked = !settings.disabledSites.includes(adapter.id);
    checkbox.addEventListener('change', async () => {
      const current = await readSettings(storage);
      const disabled = new Set(current.disabledSites);
      if (checkbox.checked) disabled.delete(adapter.id);
      else disabled.add(adapter.id);
      await writeSettings(storage, { disabledSites: [...disabled] });
    });
    label.append(checkbox, ` ${adapter.name} (${adapter.hosts.join(', ')})`);
    list.append(label);
  }
}

// The texts of the connection states daemon.js and the background answer with.
const stateText = (catalog) => ({
  connected: catalog.t('state_connected'),
  unauthorized: catalog.t('state_unauthorized'),
  offline: catalog.t('state_offline'),
  invalid: catalog.t('state_invalid'),
  unpaired: catalog.t('state_unpaired'),
});

async function saveDaemon(catalog) {
  const url = normalizeDaemonUrl($('daemon-url').value);
  const token = $('token').value.trim();
  if (!url || !token) {
    $('connect-state').textContent = catalog.t('state_invalid');
    return;
  }
  await writeSettings(storage, { daemonUrl: url, token });
  const result = await api.runtime.sendMessage({ type: 'connect', url, token });
  $('connect-state').textContent = `${catalog.t('saved')} ${stateText(catalog)[result.state] ?? ''}`;
  $('connect-state').dataset.state = result.state;
}

async function showPermissions(catalog) {
  const origins = api.runtime.getManifest().host_permissions;
  const update = async () => {
    const granted = await api.permissions.contains({ origins });
    $('grant-state').textContent = granted ? catalog.t('permissionsGranted') : '';
    $('grant').disabled = granted;
  };
  $('grant').addEventListener('click', async () => {
    await api.permissions.request({ origins });
    await update();
  });
  await update();
}

async function main() {
  const settings = await readSettings(storage);
  const catalog = await loadCatalog(api, settings.lang);
  translatePage(document, catalog);
  $('daemon-url').value = settings.daemonUrl;
  $('token').value = settings.token;
  $('lang').value = settings.lang;
  $('lang').addEventListener('change', async (event) => {
    await writeSettings(storage, { lang: event.target.value });
    location.reload();
  });
  $('save').addEventListener('click', () => saveDaemon(catalog));
  showSites(settings);
  showManagedOptions(catalog, settings); // what the school set: shown, and not changeable
  await showPermissions(catalog);
  document.body.dataset.ready = 'true';
}

main();
