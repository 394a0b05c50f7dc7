// nl/en texts for the extension's pages and the daemon's dashboard: one catalogue,
// _locales/<lang>/messages.json, in Chrome's format ({"key": {"message": "..."}}).
// scripts/sync_shared.py copies the catalogue and this file to the dashboard's static folder.
// A message's {name} is filled from the params object (the daemon's Python texts do the
// same); Chrome's $NAME$ placeholders are not used. The language setting can differ from the
// browser's, so pages read the messages themselves (chrome.i18n always follows the browser);
// the manifest's name and description still use __MSG_...__.
import { formatNumber } from './format.js';

export const LANGS = ['nl', 'en'];

export function chooseLang(setting, uiLanguage) {
  if (LANGS.includes(setting)) return setting;
  return String(uiLanguage || '').toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

// A messages.json entry with each {name} filled from params (a {name} without one stays).
export function render(entry, params = {}) {
  if (!entry) return '';
  return entry.message.replace(/\{(\w+)\}/g, (whole, name) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

// {lang, t(key, params)} over one language's messages; a key it lacks comes from fallback.
export function catalogOf(lang, messages, fallback = {}) {
  return { lang, t: (key, params) => render(messages[key] ?? fallback[key], params) };
}

export async function loadCatalog(api, setting) {
  const lang = chooseLang(setting, api.i18n.getUILanguage());
  const response = await fetch(api.runtime.getURL(`_locales/${lang}/messages.json`));
  return catalogOf(lang, await response.json());
}

// '1 image', '3 images': the number, a space, then the singular or the plural noun.
export function countText(lang, count, one, many) {
  return `${formatNumber(count, lang, 0)} ${count === 1 ? one : many}`;
}

// Fills every element marked data-i18n="key" with its text, and every
// data-i18n-aria-label="key" into its aria-label.
export function translatePage(root, catalog) {
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = catalog.t(element.dataset.i18n);
  for (const element of root.querySelectorAll('[data-i18n-aria-label]')) {
    element.setAttribute('aria-label', catalog.t(element.dataset.i18nAriaLabel));
  }
  root.documentElement.lang = catalog.lang;
}
