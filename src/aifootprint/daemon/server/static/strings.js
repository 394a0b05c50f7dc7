// Every text the dashboard shows, in Dutch and English: the extension's
// _locales/<lang>/messages.json, which scripts/sync_shared.py copies to locales/<lang>.json
// here (one catalogue for the dashboard and the extension; edit it there). Both languages
// load before the page's scripts run, so switching language needs no round trip.
// {name} in a text is filled from the caller's params.

import { LANGS, catalogOf } from "./i18n.js";

async function loadMessages(lang) {
  const response = await fetch(new URL(`locales/${lang}.json`, import.meta.url));
  if (!response.ok) throw new Error(`locales/${lang}.json: ${response.status} ${response.statusText}`);
  return response.json();
}

const MESSAGES = Object.fromEntries(
  await Promise.all(LANGS.map(async (lang) => [lang, await loadMessages(lang)])));
const CATALOGS = Object.fromEntries(
  LANGS.map((lang) => [lang, catalogOf(lang, MESSAGES[lang], MESSAGES.en)]));

// {nl: {key: text}, en: {key: text}}, the texts before their {name}s are filled.
export const STRINGS = Object.fromEntries(LANGS.map((lang) => [lang,
  Object.fromEntries(Object.entries(MESSAGES[lang]).map(([key, entry]) => [key, entry.message]))]));

// {lang, t(key, params)} for translatePage; an unknown language gets English.
export function catalog(lang) {
  return CATALOGS[lang] || CATALOGS.en;
}

export function translate(lang, key, params) {
  return catalog(lang).t(key, params);
}
