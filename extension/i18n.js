// nl/en texts for the popup and options pages. The language setting can differ from the
// browser's, so pages read _locales/<lang>/messages.json themselves (chrome.i18n always
// follows the browser); the manifest's name and description still use __MSG_...__.
export const LANGS = ['nl', 'en'];

export function chooseLang(setting, uiLanguage) {
  if (LANGS.includes(setting)) return setting;
  return String(uiLanguage || '').toLowerCase().startsWith('nl') ? 'nl' : 'en';
}

// A messages.json entry with its $NAME$ placeholders filled from the substitutions.
export function render(entry, substitutions = []) {
  if (!entry) return '';
  return entry.message.replace(/\$([A-Za-z_]+)\$/g, (whole, name) => {
    const placeholder = (entry.placeholders || {})[name.toLowerCase()];
    if (!placeholder) return whole;
    return placeholder.content.replace(/\$(\d)/g, (_, n) => String(substitutions[Number(n) - 1] ?? ''));
  });
}

export async function loadCatalog(api, setting) {
  const lang = chooseLang(setting, api.i18n.getUILanguage());
  const response = await fetch(api.runtime.getURL(`_locales/${lang}/messages.json`));
  const messages = await response.json();
  return { lang, t: (key, ...substitutions) => render(messages[key], substitutions) };
}

// Fills every element marked data-i18n="key" with its text.
export function translatePage(root, catalog) {
  for (const element of root.querySelectorAll('[data-i18n]')) element.textContent = catalog.t(element.dataset.i18n);
  root.documentElement.lang = catalog.lang;
}
