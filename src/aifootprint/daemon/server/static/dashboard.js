// The dashboard: reads the daemon's API with the token the page was served with,
// and draws today, the history, the method, the school-day scenario and the
// user's own data. Every figure comes from the API; this file only formats.

import { barChart, legend } from "./charts.js";
import { exactNumber, formatCo2, formatEnergy, formatNumber, formatWater,
  METRIC_FORMATTERS } from "./format.js";
import { countText, translatePage } from "./i18n.js";
import { catalog, translate } from "./strings.js";

const METRICS = ["energy_wh", "co2_g", "water_ml"];
const DEFAULT_LABEL = { student: "homework", teacher: "lesson-prep" };
const REFRESH_MS = 30000;

const state = {
  lang: "en", role: "student", label: "", paused: false,
  profile: "", location: "", period: 7,
  factors: null, today: null, days: [],
};

const $ = (selector) => document.querySelector(selector);
const t = (key, params) => translate(state.lang, key, params);

// ---- the API -------------------------------------------------------------

const token = document.querySelector('meta[name="aifootprint-token"]').content;

async function api(path, { method = "GET", body, raw = false } = {}) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try { message = (await response.json()).error.message || message; } catch { /* not JSON */ }
    throw new Error(message);
  }
  return raw ? response : response.json();
}

function figureQuery() {
  const query = new URLSearchParams();
  if (state.profile) query.set("profile", state.profile);
  if (state.location) query.set("location", state.location);
  return query;
}

async function saveSettings(changes) {
  try {
    await api("/api/v1/settings", { method: "PUT", body: changes });
  } catch (error) {
    showStatus(t("dashboard_failed", { message: error.message }));
  }
}

// ---- dates ---------------------------------------------------------------

function isoDate(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function daysBack(count) {
  const dates = [];
  const day = new Date();
  for (let i = 0; i < count; i += 1) {
    dates.unshift(isoDate(day));
    day.setDate(day.getDate() - 1);
  }
  return dates;
}

function shortDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day).toLocaleDateString(state.lang === "nl" ? "nl-NL" : "en-GB",
    { day: "numeric", month: "short" });
}

// ---- text in the page ----------------------------------------------------

function applyTranslations() {
  translatePage(document, catalog(state.lang));
  $("#lang-select").value = state.lang;
}

function showStatus(text) {
  $("#status").textContent = text;
}

// An everyday comparison's text ('drinkwater voor 4 mensen'), its exact amount on hover.
function showEquivalent(element, equivalent, text) {
  element.textContent = text;
  element.title = equivalent ? t("equivalentExact", { n: exactNumber(equivalent.amount, state.lang) }) : "";
  if (equivalent) element.dataset.exact = String(equivalent.amount);
}

function setFigure(id, value, text) {
  const element = document.getElementById(id);
  element.textContent = text;
  element.dataset.value = String(value);
}

const promptCount = (n) => countText(state.lang, n, t("dashboard_prompts_one"), t("dashboard_prompts"));
const imageCount = (n) => countText(state.lang, n, t("images_one"), t("images"));

// The activity labels the dashboard and the extension set; any other label shows as it is.
const labelTexts = () => ({
  homework: t("dashboard_label_homework"),
  "lesson-prep": t("dashboard_label_lesson_prep"),
  study: t("dashboard_label_study"),
  other: t("dashboard_label_other"),
});

function labelName(name) {
  if (!name) return t("dashboard_no_label");
  return Object.hasOwn(labelTexts(), name) ? labelTexts()[name] : name;
}

// ---- Today ---------------------------------------------------------------

function renderToday() {
  const today = state.today;
  const lang = state.lang;
  setFigure("today-prompts", today.prompts, formatNumber(today.prompts, lang, 0));
  setFigure("today-images", today.images, formatNumber(today.images, lang, 0));
  for (const metric of METRICS) {
    const format = METRIC_FORMATTERS[metric];
    setFigure(`today-${metric}`, today[metric], format(today[metric], lang));
    const range = today.range[metric];
    $(`#today-${metric}-range`).textContent = t("dashboard_range",
      { low: format(range.low, lang), high: format(range.high, lang) });
    const equivalent = (today.equivalents || []).find((e) => e.metric === metric);
    showEquivalent($(`#today-${metric}-equivalent`), equivalent,
      equivalent ? t("equivalentIntro", { text: equivalent.text[lang] }) : "");
  }
  $("#today-lead").textContent = today.prompts + today.images === 0 ? t("dashboard_today_lead_none")
    : t("dashboard_today_lead", { prompts: promptCount(today.prompts), images: imageCount(today.images) });
  const table = state.factors?.table;
  if (table) {
    const profile = table.profiles[today.profile || state.profile];
    const location = table.locations[today.location || state.location];
    $("#today-assumption").textContent = t("dashboard_assumption", {
      profile: profile ? profile.label[lang] : state.profile,
      location: location ? location.label[lang] : state.location,
    });
  }
}

// ---- History -------------------------------------------------------------

function emptyDay(date) {
  return { date, prompts: 0, images: 0, energy_wh: 0, co2_g: 0, water_ml: 0, sites: [], labels: [] };
}

// The API may leave out days without use; the charts want every day.
function fillDays(dayList, dates) {
  const byDate = new Map(dayList.map((day) => [day.date, day]));
  return dates.map((date) => byDate.get(date) || emptyDay(date));
}

function sumGroups(days, key) {
  const totals = new Map();
  for (const day of days) {
    for (const group of day[key] || []) {
      const name = group.name || "";
      const sum = totals.get(name) || { name, prompts: 0, images: 0, energy_wh: 0, co2_g: 0,
        water_ml: 0 };
      for (const field of ["prompts", "images", ...METRICS]) sum[field] += group[field] || 0;
      totals.set(name, sum);
    }
  }
  return [...totals.values()].sort((a, b) => b.energy_wh - a.energy_wh || a.name.localeCompare(b.name));
}

function renderBreakdown(tableId, groups, nameHeading, nameOf) {
  const table = document.getElementById(tableId);
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  const columns = [[nameHeading, false], [t("dashboard_col_uses"), false],
    [t("dashboard_col_energy"), false], [t("co2"), true], [t("dashboard_col_water"), true]];
  for (const [heading, wideOnly] of columns) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = heading;
    if (wideOnly) cell.className = "wide-only";
    head.append(cell);
  }
  const body = table.createTBody();
  if (groups.length === 0) {
    const cell = body.insertRow().insertCell();
    cell.colSpan = 5;
    cell.textContent = t("dashboard_no_rows");
    return;
  }
  const lang = state.lang;
  for (const group of groups) {
    const row = body.insertRow();
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = nameOf(group.name);
    row.append(name);
    row.insertCell().textContent =
      `${formatNumber(group.prompts, lang, 0)} / ${formatNumber(group.images, lang, 0)}`;
    row.insertCell().textContent = formatEnergy(group.energy_wh, lang);
    for (const text of [formatCo2(group.co2_g, lang), formatWater(group.water_ml, lang)]) {
      const cell = row.insertCell();
      cell.className = "wide-only";
      cell.textContent = text;
    }
  }
}

function topDay(days, valueOf) {
  const best = days.reduce((a, b) => (valueOf(b) > valueOf(a) ? b : a), days[0]);
  return shortDate(best.date);
}

function renderCharts(days) {
  const lang = state.lang;
  const prompts = days.reduce((sum, d) => sum + d.prompts, 0);
  const images = days.reduce((sum, d) => sum + d.images, 0);
  const energy = days.reduce((sum, d) => sum + d.energy_wh, 0);
  const useSeries = [
    { key: "prompts", label: t("dashboard_prompts"), className: "s-prompts" },
    { key: "images", label: t("images"), className: "s-images" },
  ];
  const empty = prompts + images === 0;
  const usesLabel = empty ? t("dashboard_chart_empty") : t("dashboard_chart_uses_summary", {
    days: days.length, prompts: promptCount(prompts), images: imageCount(images),
    top: topDay(days, (d) => d.prompts + d.images) });
  $("#chart-uses").replaceChildren(barChart({
    ariaLabel: usesLabel, series: useSeries, formatTick: (v) => formatNumber(v, lang),
    rows: days.map((d) => ({ label: shortDate(d.date), values: d,
      title: `${shortDate(d.date)}: ${promptCount(d.prompts)}, ${imageCount(d.images)}` })),
  }), legend(useSeries));
  const energyLabel = empty ? t("dashboard_chart_empty") : t("dashboard_chart_energy_summary", {
    days: days.length,
    energy: formatEnergy(energy, lang), top: topDay(days, (d) => d.energy_wh) });
  $("#chart-energy").replaceChildren(barChart({
    ariaLabel: energyLabel, formatTick: (v) => formatNumber(v, lang),
    series: [{ key: "energy_wh", label: t("dashboard_energy"), className: "s-energy" }],
    rows: days.map((d) => ({ label: shortDate(d.date), values: d,
      title: `${shortDate(d.date)}: ${formatEnergy(d.energy_wh, lang)}` })),
  }));
}

const WEEK_TEXTS = {
  week_empty: (params) => t("dashboard_week_empty", params),
  week_first: (params) => t("dashboard_week_first", params),
  week_same: (params) => t("dashboard_week_same", params),
  week_down: (params) => t("dashboard_week_down", params),
  week_up: (params) => t("dashboard_week_up", params),
};

// This week against the week before, told as what went down (awareness, not guilt).
function renderWeekCompare(days) {
  const energyOf = (list) => list.reduce((sum, d) => sum + d.energy_wh, 0);
  const now = energyOf(days.slice(-7));
  const before = energyOf(days.slice(-14, -7));
  const lang = state.lang;
  const box = $("#week-compare");
  let trend;
  if (now === 0 && before === 0) trend = "week_empty";
  else if (before === 0) trend = "week_first";
  else if (Math.abs(now - before) / before < 0.05) trend = "week_same";
  else trend = now < before ? "week_down" : "week_up";
  box.dataset.trend = trend;
  box.textContent = WEEK_TEXTS[trend]({
    metric: t("dashboard_metric_energy"), now: formatEnergy(now, lang), before: formatEnergy(before, lang),
    pct: formatNumber(Math.round((100 * (before - now)) / (before || 1)), lang, 0),
  });
}

function renderHistory() {
  const days = state.days.slice(-state.period);
  renderCharts(days);
  renderWeekCompare(state.days);
  renderBreakdown("per-site", sumGroups(days, "sites"), t("dashboard_col_site"), (name) => name);
  renderBreakdown("per-label", sumGroups(days, "labels"), t("dashboard_col_label"), labelName);
}

// ---- Method --------------------------------------------------------------

function fillSelect(select, entries, current) {
  select.replaceChildren(...entries.map(([value, label]) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    option.selected = value === current;
    return option;
  }));
}

function sourceTitles(names) {
  const sources = state.factors.table.sources;
  return names.map((name) => (sources[name] ? `${sources[name].title} (${sources[name].year})` : name))
    .join("; ");
}

// The source sits under the factor's name, so the table keeps four columns on a phone.
function factorRow(body, what, low, central, high, unit, sources) {
  const row = body.insertRow();
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = what;
  const source = document.createElement("small");
  source.textContent = `${t("dashboard_factor_source")}: ${sourceTitles(sources)}`;
  name.append(source);
  row.append(name);
  for (const value of [low, central, high]) {
    row.insertCell().textContent = value === null ? "–" : `${formatNumber(value, state.lang)} ${unit}`;
  }
}

function renderMethod() {
  const table = state.factors.table;
  const lang = state.lang;
  fillSelect($("#profile-select"), Object.entries(table.profiles).map(([k, p]) => [k, p.label[lang]]),
    state.profile);
  fillSelect($("#location-select"),
    Object.entries(table.locations).map(([k, l]) => [k, l.label[lang]]), state.location);
  const profile = table.profiles[state.profile];
  const location = table.locations[state.location];
  $("#profile-scope").textContent = profile.scope[lang];
  const factors = $("#factors-table");
  factors.replaceChildren();
  const head = factors.createTHead().insertRow();
  for (const heading of [t("dashboard_factor_what"), t("dashboard_factor_low"),
    t("dashboard_factor_value"), t("dashboard_factor_high")]) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = heading;
    head.append(cell);
  }
  const body = factors.createTBody();
  const where = location.label[lang];
  factorRow(body, t("dashboard_factor_prompt_energy"), profile.prompt.low, profile.prompt.central,
    profile.prompt.high, "Wh", profile.prompt.sources);
  factorRow(body, t("dashboard_factor_image_energy"), profile.image.low, profile.image.central,
    profile.image.high, "Wh", profile.image.sources);
  factorRow(body, t("dashboard_factor_grid", { location: where }), null, location.grid_g_per_kwh, null,
    "g", location.sources);
  factorRow(body, t("dashboard_factor_water", { location: where }), null, location.water_ml_per_wh, null,
    "ml", location.sources);
  const water = table.water_range_ml_per_wh;
  factorRow(body, t("dashboard_factor_water_range"), water.low, null, water.high, "ml", water.sources);
  $("#sources-list").replaceChildren(...Object.values(table.sources).map((source) => {
    const item = document.createElement("li");
    item.textContent = `${source.title} (${source.year}). ${source.covers}`;
    return item;
  }));
}

// ---- the school-day scenario ---------------------------------------------

const scenarioForm = () => $("#scenario-form");

function scenarioInputs() {
  const inputs = { profile: state.profile, location: state.location, vo: {}, po: {} };
  for (const input of scenarioForm().querySelectorAll("input")) {
    if (input.value === "") continue;
    const [first, second] = input.name.split(".");
    if (second) inputs[first][second] = Number(input.value);
    else inputs[first] = Number(input.value);
  }
  for (const level of ["vo", "po"]) {
    if (Object.keys(inputs[level]).length < 3) delete inputs[level];
  }
  return inputs;
}

function fillScenarioForm(inputs) {
  for (const input of scenarioForm().querySelectorAll("input")) {
    const [first, second] = input.name.split(".");
    input.value = second ? inputs[first][second] : inputs[first];
  }
}

function scenarioTable(level, result) {
  const lang = state.lang;
  const table = document.createElement("table");
  table.className = "scenario-table";
  table.dataset.level = level;
  const levelName = { vo: t("dashboard_vo"), po: t("dashboard_po") }[level];
  table.createCaption().textContent = t("dashboard_scenario_caption", { level: levelName });
  const head = table.createTHead().insertRow();
  for (const heading of [t("dashboard_scale"), t("dashboard_prompts"), t("images"),
    t("dashboard_col_energy"), t("co2"), t("dashboard_col_water")]) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = heading;
    head.append(cell);
  }
  const body = table.createTBody();
  const scales = [["class_day", t("dashboard_class_day")], ["class_year", t("dashboard_class_year")],
    ["school_year", t("dashboard_school_year")], ["country_day", t("dashboard_country_day")],
    ["country_year", t("dashboard_country_year")]];
  for (const [scale, scaleName] of scales) {
    const figures = result[scale];
    const row = body.insertRow();
    row.dataset.scale = scale;
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = scaleName;
    row.append(name);
    row.insertCell().textContent = formatNumber(figures.prompts, lang, 0);
    row.insertCell().textContent = formatNumber(figures.images, lang, 0);
    for (const metric of METRICS) {
      const cell = row.insertCell();
      cell.dataset.metric = metric;
      cell.dataset.value = String(figures[metric]);
      const format = METRIC_FORMATTERS[metric];
      const range = figures.range[metric];
      const equivalent = figures.equivalents.find((e) => e.metric === metric);
      cell.append(format(figures[metric], lang));
      const detail = document.createElement("small");
      detail.textContent = t("rangeLabel", { low: format(range.low, lang), high: format(range.high, lang) });
      if (equivalent) {
        const comparison = document.createElement("span");
        showEquivalent(comparison, equivalent, equivalent.text[lang]);
        detail.append(" · ", comparison);
      }
      cell.append(detail);
    }
  }
  return table;
}

async function runScenario(inputs = scenarioInputs()) {
  const request = ++scenarioRequest;
  const error = $("#scenario-error");
  try {
    const result = await api("/api/v1/scenario", { method: "POST", body: inputs });
    if (request !== scenarioRequest) return;
    error.hidden = true;
    fillScenarioForm(result.inputs);
    state.scenario = result;
    renderScenario();
  } catch (failure) {
    if (request !== scenarioRequest) return;
    error.textContent = t("dashboard_scenario_failed", { message: failure.message });
    error.hidden = false;
  }
}

function renderScenario() {
  if (!state.scenario) return;
  const levels = state.scenario.levels;
  $("#scenario-results").replaceChildren(scenarioTable("vo", levels.vo), scenarioTable("po", levels.po));
}

// ---- own data ------------------------------------------------------------

async function exportData(format) {
  try {
    const response = await api(`/api/v1/export?format=${format}`, { raw: true });
    const file = `aifootprint-${isoDate(new Date())}.${format}`;
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = file;
    link.click();
    URL.revokeObjectURL(link.href);
    $("#data-message").textContent = t("dashboard_export_done", { file });
  } catch (error) {
    $("#data-message").textContent = t("dashboard_failed", { message: error.message });
  }
}

function askForget(event) {
  event.preventDefault();
  const choice = new FormData(event.target).get("forget");
  const date = $("#forget-date").value;
  if (choice === "before" && !date) {
    $("#data-message").textContent = t("dashboard_forget_need_date");
    return;
  }
  const dialog = $("#confirm-forget");
  $("#confirm-text").textContent = choice === "all" ? t("dashboard_confirm_all")
    : t("dashboard_confirm_before", { date });
  dialog.returnValue = "";
  dialog.onclose = async () => {
    if (dialog.returnValue !== "delete") return;
    try {
      const body = choice === "all" ? { all: true } : { before: date };
      const result = await api("/api/v1/forget", { method: "POST", body });
      $("#data-message").textContent = result.deleted === 1 ? t("dashboard_forget_done_one")
        : t("dashboard_forget_done", { n: formatNumber(result.deleted, state.lang, 0) });
      await refreshFigures();
    } catch (error) {
      $("#data-message").textContent = t("dashboard_failed", { message: error.message });
    }
  };
  dialog.showModal();
}

// ---- first visit ---------------------------------------------------------

/** The first browser language we speak, until the user picks one; else the daemon default. */
function browserLang(fallback) {
  for (const tag of navigator.languages || [navigator.language]) {
    const lang = String(tag).slice(0, 2).toLowerCase();
    if (lang === "nl" || lang === "en") return lang;
  }
  return fallback;
}

function welcome() {
  const dialog = $("#welcome");
  const form = $("#welcome-form");
  form.elements.lang.value = state.lang;
  form.addEventListener("change", () => {
    state.lang = form.elements.lang.value;
    renderAll();
  });
  dialog.addEventListener("close", async () => {
    state.lang = form.elements.lang.value || state.lang;
    setRole(form.elements.role.value || "student");
    state.label = DEFAULT_LABEL[state.role];
    $("#label-select").value = state.label;
    await saveSettings({ role: state.role, lang: state.lang, label: state.label });
    renderAll();
  }, { once: true });
  dialog.showModal();
}

function setPaused(paused) {
  state.paused = paused;
  $("#paused-note").hidden = !paused;
  $("#pause-toggle").setAttribute("aria-pressed", String(paused));
}

function setRole(role) {
  state.role = role === "teacher" ? "teacher" : "student";
  document.body.dataset.role = state.role;
}

// ---- loading and wiring --------------------------------------------------

function renderAll() {
  applyTranslations();
  if (state.factors) renderMethod();
  if (state.today) renderToday();
  if (state.days.length) renderHistory();
  renderScenario();
}

// Answers can arrive out of order (two quick choices, or a choice during the periodic
// refresh): each of these counts its requests and shows only the newest one's answer.
let figuresRequest = 0;
let scenarioRequest = 0;

async function refreshFigures() {
  const request = ++figuresRequest;
  const dates = daysBack(30);
  const query = figureQuery();
  const dayQuery = new URLSearchParams(query);
  dayQuery.set("from", dates[0]);
  dayQuery.set("to", dates[dates.length - 1]);
  const [today, days] = await Promise.all([
    api(`/api/v1/summary?${query}`),
    api(`/api/v1/days?${dayQuery}`),
  ]);
  if (request !== figuresRequest) return;
  state.today = today;
  state.days = fillDays(Array.isArray(days) ? days : days.days, dates);
  renderToday();
  renderHistory();
  document.body.dataset.state = "ready";
}

async function loadSettings() {
  try {
    return await api("/api/v1/settings");
  } catch {
    return {};
  }
}

function wireControls() {
  $("#lang-select").addEventListener("change", (event) => {
    state.lang = event.target.value;
    renderAll();
    saveSettings({ lang: state.lang });
  });
  $("#pause-toggle").addEventListener("click", async () => {
    setPaused(!state.paused);
    await saveSettings({ paused: state.paused });
  });
  $("#label-select").addEventListener("change", (event) => {
    state.label = event.target.value;
    saveSettings({ label: state.label });
  });
  for (const select of [$("#profile-select"), $("#location-select")]) {
    select.addEventListener("change", async () => {
      state.profile = $("#profile-select").value;
      state.location = $("#location-select").value;
      renderMethod();
      await Promise.all([refreshFigures(), runScenario(), saveSettings(
        { profile: state.profile, location: state.location })]);
    });
  }
  for (const radio of document.querySelectorAll('input[name="period"]')) {
    radio.addEventListener("change", (event) => {
      state.period = Number(event.target.value);
      renderHistory();
    });
  }
  let timer = null;
  scenarioForm().addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => runScenario(), 300);
  });
  $("#scenario-reset").addEventListener("click", () =>
    runScenario({ profile: state.profile, location: state.location }));
  for (const button of document.querySelectorAll("[data-format]")) {
    button.addEventListener("click", () => exportData(button.dataset.format));
  }
  $("#forget-form").addEventListener("submit", askForget);
}

async function start() {
  const settings = await loadSettings();
  state.lang = settings.lang_saved ? settings.lang : browserLang(settings.lang);
  setRole(settings.role);
  setPaused(Boolean(settings.paused));
  state.label = settings.label || DEFAULT_LABEL[state.role];
  $("#label-select").value = state.label;
  applyTranslations();
  wireControls();
  showStatus(t("dashboard_loading"));
  try {
    const factors = await api("/api/v1/factors");
    state.factors = factors;
    state.profile = settings.profile || factors.profile || factors.table.defaults.profile;
    state.location = settings.location || factors.location || factors.table.defaults.location;
    renderMethod();
    await Promise.all([refreshFigures(), runScenario({ profile: state.profile, location: state.location })]);
    showStatus("");
  } catch (error) {
    showStatus(t("dashboard_load_failed", { message: error.message }));
    document.body.dataset.state = "failed";
  }
  if (!settings.role) welcome();
  setInterval(() => {
    if (document.visibilityState !== "visible") return;
    refreshFigures().catch(() => {});
    loadSettings().then((current) => setPaused(Boolean(current.paused)));
  }, REFRESH_MS);
}

start();
