// The dashboard: reads the daemon's API with the session cookie its login link set,
// and draws today, any period (week, month, term, school year, custom: periods.js), the
// method, the school-day scenario and the user's own data. Every figure comes from the API;
// a period's total adds up the API's days, and its everyday comparison is footprint.js's.

import { barChart, legend } from "./charts.js";
import { equivalents } from "./footprint.js";
import { equivalentNumber, exactNumber, formatCo2, formatEnergy, formatNumber, formatWater,
  METRIC_FORMATTERS } from "./format.js";
import { countText, translatePage } from "./i18n.js";
import { followChanges } from "./live.js";
import { addDays, bars, barUnit, comparedSpan, customPeriod, daysOf, isIsoDate, KINDS, minDay,
  periodAfter, periodBefore, periodOf, shownSpan, weekNumber } from "./periods.js";
import { reportFigures } from "./report_figures.js";
import { catalog, translate } from "./strings.js";

const METRICS = ["energy_wh", "co2_g", "water_ml"];
const DEFAULT_LABEL = { student: "homework", teacher: "lesson-prep" };
// New counts and settings arrive over GET /api/v1/live (followChanges); this slow refresh
// is only for the day changing at midnight.
const REFRESH_MS = 5 * 60 * 1000;

const state = {
  lang: "en", role: "student", label: "", paused: false, settings: {},
  profile: "", location: "", view: { kind: "week", date: null }, period: null,
  factors: null, today: null, history: null,
};

const $ = (selector) => document.querySelector(selector);
const t = (key, params) => translate(state.lang, key, params);

// ---- the API -------------------------------------------------------------

// The session cookie is HttpOnly: the browser sends it, no script here can read it.
async function api(path, { method = "GET", body, raw = false } = {}) {
  // The daemon answers an error in the language asked for: the page's, not the browser's.
  const headers = { "Accept-Language": state.lang };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (failure) {
    // No answer at all: AI Footprint on this computer is not running (or not reachable).
    throw Object.assign(new Error(failure.message), { offline: true });
  }
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
  else delete element.dataset.exact;
}

function setFigure(id, value, text) {
  const element = document.getElementById(id);
  element.textContent = text;
  element.dataset.value = String(value);
}

const promptCount = (n) => countText(state.lang, n, t("dashboard_prompts_one"), t("dashboard_prompts"));
const imageCount = (n) => countText(state.lang, n, t("images_one"), t("images"));
const videoCount = (n) => countText(state.lang, n, t("videos_one"), t("videos"));

// The activity labels the dashboard and the extension set; any other label shows as it is.
const labelTexts = () => ({
  homework: t("dashboard_label_homework"),
  "lesson-prep": t("dashboard_label_lesson_prep"),
  study: t("dashboard_label_study"),
  other: t("dashboard_label_other"),
});

// A host or label as text with a line-break opportunity (<wbr>) after each dot: on a phone
// "www.midjourney.com" may wrap as "www.midjourney.|com", never inside a word.
function breakableName(text) {
  return text.split(/(?<=\.)/).flatMap((part, index) => (index ? [document.createElement("wbr"), part] : [part]));
}

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
  setFigure("today-videos", today.videos || 0, formatNumber(today.videos || 0, lang, 0));
  $("#today-videos-count").hidden = !today.videos; // a box of its own once a video is made
  for (const metric of METRICS) showImpact("today", metric, today, (e) => e.text[lang]);
  // Nothing stored on any day: the extension has not posted yet, so say how to pair it.
  $("#unpaired-note").hidden = today.any_counts !== false;
  const counts = { prompts: promptCount(today.prompts), images: imageCount(today.images),
    videos: videoCount(today.videos || 0) };
  if (today.prompts + today.images + (today.videos || 0) === 0) {
    $("#today-lead").textContent = t("dashboard_today_lead_none");
  } else if (today.videos) $("#today-lead").textContent = t("dashboard_today_lead_videos", counts);
  else $("#today-lead").textContent = t("dashboard_today_lead", counts);
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

// ---- History: any period --------------------------------------------------

const VIEW_KEY = "aifootprint.period"; // the last kind of view, for a visit without ?period=

function emptyDay(date) {
  return { date, prompts: 0, images: 0, videos: 0, energy_wh: 0, co2_g: 0, water_ml: 0,
    range: Object.fromEntries(METRICS.map((m) => [m, { low: 0, high: 0 }])), sites: [], labels: [] };
}

// The API lists every day of the span; filled anyway, so the charts always get every day.
function fillDays(dayList, from, to) {
  const byDate = new Map(dayList.map((day) => [day.date, day]));
  return daysOf(from, to).map((date) => byDate.get(date) || emptyDay(date));
}

function sumGroups(days, key) {
  const totals = new Map();
  for (const day of days) {
    for (const group of day[key] || []) {
      const name = group.name || "";
      const sum = totals.get(name) || { name, prompts: 0, images: 0, videos: 0, energy_wh: 0,
        co2_g: 0, water_ml: 0 };
      for (const field of ["prompts", "images", "videos", ...METRICS]) sum[field] += group[field] || 0;
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
    name.append(...breakableName(nameOf(group.name)));
    row.append(name);
    // Prompts / images / videos, as the column's heading says.
    row.insertCell().textContent = [group.prompts, group.images, group.videos || 0]
      .map((n) => formatNumber(n, lang, 0)).join(" / ");
    row.insertCell().textContent = formatEnergy(group.energy_wh, lang);
    for (const text of [formatCo2(group.co2_g, lang), formatWater(group.water_ml, lang)]) {
      const cell = row.insertCell();
      cell.className = "wide-only";
      cell.textContent = text;
    }
  }
}

// A period's totals: the days' counts, impacts and range ends added up (each is linear in
// the counts), and one everyday comparison per metric for the sum (footprint.js, the same
// thresholds as the daemon's footprint.py).
function totalOf(days) {
  const total = { prompts: 0, images: 0, videos: 0, range: {} };
  for (const metric of METRICS) {
    total[metric] = 0;
    total.range[metric] = { low: 0, high: 0 };
  }
  for (const day of days) {
    for (const field of ["prompts", "images", "videos"]) total[field] += day[field] || 0;
    for (const metric of METRICS) {
      total[metric] += day[metric];
      total.range[metric].low += day.range[metric].low;
      total.range[metric].high += day.range[metric].high;
    }
  }
  const impact = Object.fromEntries(METRICS.map((m) => [m, { central: total[m] }]));
  total.equivalents = state.factors ? equivalents(state.factors.table, impact) : [];
  return total;
}

// An equivalent of footprint.js ({metric, key, amount}) in words, as the popup writes it.
function equivalentText(equivalent) {
  const number = equivalentNumber(equivalent.amount, state.lang, equivalent.key);
  // The only keys built at run time: eq_<key> for each of footprint.js's equivalents.
  const one = number === "1" && t(`eq_${equivalent.key}_one`);
  return one || t(`eq_${equivalent.key}`, { n: number });
}

const dateOf = (iso) => {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(year, month - 1, day);
};
const locale = () => (state.lang === "nl" ? "nl-NL" : "en-GB");

// '3–9 mrt' ('3 mrt. 2024 – 9 jan. 2025' across years); the year is added when asked or
// when the span is not in the current year.
function dateSpan(from, to, { year = false, month = "short" } = {}) {
  const thisYear = String(new Date().getFullYear());
  const withYear = year || from.slice(0, 4) !== thisYear || to.slice(0, 4) !== thisYear;
  const format = new Intl.DateTimeFormat(locale(), { day: "numeric", month,
    ...(withYear ? { year: "numeric" } : {}) });
  return from === to ? format.format(dateOf(from)) : format.formatRange(dateOf(from), dateOf(to));
}

const monthName = (iso, month = "short", year = false) => dateOf(iso).toLocaleDateString(locale(),
  { month, ...(year ? { year: "numeric" } : {}) });

function periodTitle(period, shown) {
  let title;
  if (period.kind === "week") {
    title = t("dashboard_week_title", { n: period.week, dates: dateSpan(period.from, period.to) });
  } else if (period.kind === "month") {
    title = monthName(period.from, "long", true);
  } else if (period.kind === "term") {
    const months = new Intl.DateTimeFormat(locale(), { month: "short", year: "numeric" })
      .formatRange(dateOf(period.from), dateOf(period.to));
    title = t("dashboard_term_title", { n: period.term, dates: months });
  } else if (period.kind === "year") {
    title = t("dashboard_year_title", { years: `${period.schoolYear}–${period.schoolYear + 1}` });
  } else {
    title = dateSpan(period.from, period.to, { year: true });
  }
  return shown.complete ? title : t("dashboard_until_today", { period: title });
}

// The view from the address (?period=month&date=2025-03-01, ?period=custom&from=&to=), else
// the last kind chosen, else this week. date is any day of the period; none means the one
// holding today.
function viewFromUrl() {
  const query = new URLSearchParams(location.search);
  let kind = query.get("period");
  if (!KINDS.includes(kind)) {
    try { kind = localStorage.getItem(VIEW_KEY); } catch { kind = null; }
  }
  if (!KINDS.includes(kind)) kind = "week";
  const view = { kind, date: isIsoDate(query.get("date")) ? query.get("date") : null };
  if (kind === "custom") {
    view.from = query.get("from");
    view.to = query.get("to");
  }
  return view;
}

function saveView() {
  const query = new URLSearchParams(location.search);
  for (const name of ["period", "date", "from", "to"]) query.delete(name);
  query.set("period", state.view.kind);
  if (state.view.kind === "custom") {
    query.set("from", state.period.from);
    query.set("to", state.period.to);
  } else if (state.view.date) query.set("date", state.view.date);
  history.replaceState(null, "", `${location.pathname}?${query}${location.hash}`);
  try { localStorage.setItem(VIEW_KEY, state.view.kind); } catch { /* private mode: the URL keeps it */ }
}

// The period of the view, today being `today`; a date after today, or a custom range that
// is not one, falls back to the period (or the last 30 days) holding today.
function periodOfView(view, today) {
  if (view.kind === "custom") {
    const period = customPeriod(view.from, view.to);
    return period && period.from <= today ? period : customPeriod(addDays(today, -29), today);
  }
  const day = view.date && view.date <= today ? view.date : today;
  return periodOf(view.kind, day);
}

function barLabel(bar, unit) {
  if (unit === "day") return shortDate(bar.from);
  if (unit === "week") return t("dashboard_week_label", { n: weekNumber(bar.from) });
  return monthName(bar.from);
}

function barTitle(bar, unit) {
  if (unit === "day") return shortDate(bar.from);
  if (unit === "week") return `${barLabel(bar, unit)} (${dateSpan(bar.from, bar.to)})`;
  return monthName(bar.from, "long", true);
}

// The whole period's bars (days, weeks or months: periods.js), so a week always has seven
// and a school year twelve; the days after today are not fetched and stay empty.
function barRows(period, days, unit) {
  const byDate = new Map(days.map((day) => [day.date, day]));
  const last = days[days.length - 1].date;
  return bars(period.from, period.to, unit).map((bar) => {
    const values = { prompts: 0, images: 0, videos: 0, energy_wh: 0 };
    for (const date of daysOf(bar.from, minDay(bar.to, last))) {
      const day = byDate.get(date);
      for (const key of Object.keys(values)) values[key] += day[key] || 0;
    }
    return { ...bar, label: barLabel(bar, unit), title: barTitle(bar, unit), values,
      future: bar.from > last };
  });
}

const CAPTIONS = {
  day: () => [t("dashboard_chart_uses"), t("dashboard_chart_energy")],
  week: () => [t("dashboard_chart_uses_week"), t("dashboard_chart_energy_week")],
  month: () => [t("dashboard_chart_uses_month"), t("dashboard_chart_energy_month")],
};

function renderCharts(period, days, total) {
  const lang = state.lang;
  // The unit follows the whole period: a school year reads by month in September too.
  const unit = barUnit(period.from, period.to);
  const rows = barRows(period, days, unit);
  const [usesCaption, energyCaption] = CAPTIONS[unit]();
  $("#chart-uses-caption").textContent = usesCaption;
  $("#chart-energy-caption").textContent = energyCaption;
  const top = (valueOf) => rows.reduce((a, b) => (valueOf(b) > valueOf(a) ? b : a), rows[0]).title;
  const useSeries = [
    { key: "prompts", label: t("dashboard_prompts"), className: "s-prompts" },
    { key: "images", label: t("images"), className: "s-images" },
    { key: "videos", label: t("videos"), className: "s-videos" },
  ];
  const empty = total.prompts + total.images + total.videos === 0;
  const dayText = countText(lang, days.length, t("dashboard_days_one"), t("dashboard_days"));
  const usesLabel = empty ? t("dashboard_chart_empty") : t("dashboard_chart_uses_summary", {
    days: dayText, prompts: promptCount(total.prompts), images: imageCount(total.images),
    videos: videoCount(total.videos),
    top: top((r) => r.values.prompts + r.values.images + r.values.videos) });
  const titled = (text) => rows.map((row) => ({ ...row, title: row.future ? row.title : text(row) }));
  // Month names are short enough to label all twelve; days and weeks get every few.
  const chart = { emptyText: t("dashboard_chart_empty"), maxLabels: unit === "month" ? 13 : 8,
    width: $("#chart-uses").clientWidth || undefined,
    rows: titled((row) => `${row.title}: ${promptCount(row.values.prompts)}, ${imageCount(row.values.images)}, ${videoCount(row.values.videos)}`) };
  $("#chart-uses").replaceChildren(barChart({ ...chart, ariaLabel: usesLabel, series: useSeries,
    integer: true, formatTick: (v) => formatNumber(v, lang, 0) }), legend(useSeries));
  const energyLabel = empty ? t("dashboard_chart_empty") : t("dashboard_chart_energy_summary", {
    days: dayText, energy: formatEnergy(total.energy_wh, lang), top: top((r) => r.values.energy_wh) });
  $("#chart-energy").replaceChildren(barChart({
    ...chart, ariaLabel: energyLabel, formatTick: (v) => formatNumber(v, lang),
    series: [{ key: "energy_wh", label: t("dashboard_energy"), className: "s-energy" }],
    rows: titled((row) => `${row.title}: ${formatEnergy(row.values.energy_wh, lang)}`),
  }));
  $("#history").dataset.unit = unit;
}

const COMPARE_TEXTS = {
  compare_empty: (params) => t("dashboard_compare_empty", params),
  compare_first: (params) => t("dashboard_compare_first", params),
  compare_same: (params) => t("dashboard_compare_same", params),
  compare_down: (params) => t("dashboard_compare_down", params),
  compare_up: (params) => t("dashboard_compare_up", params),
};

// This period against as many days of the period before, told as what went down
// (awareness, not guilt); when it went up, a tip instead.
function renderCompare(now, before, span) {
  const lang = state.lang;
  const box = $("#period-compare");
  let trend;
  if (now === 0 && before === 0) trend = "compare_empty";
  else if (before === 0) trend = "compare_first";
  else if (Math.abs(now - before) / before < 0.05) trend = "compare_same";
  else trend = now < before ? "compare_down" : "compare_up";
  box.dataset.trend = trend;
  box.dataset.from = span.from;
  box.dataset.to = span.to;
  box.textContent = COMPARE_TEXTS[trend]({
    metric: t("dashboard_metric_energy"), now: formatEnergy(now, lang), before: formatEnergy(before, lang),
    pct: formatNumber(Math.round((100 * (before - now)) / (before || 1)), lang, 0),
    previous: dateSpan(span.from, span.to),
  });
}

// A figure with its range and everyday comparison, or just the figure when it is zero (no
// 'bandbreedte: tussen 0 Wh en 0 Wh', no '0 keer een telefoon opladen').
function showImpact(prefix, metric, summary, equivalentWords) {
  const lang = state.lang;
  const format = METRIC_FORMATTERS[metric];
  setFigure(`${prefix}-${metric}`, summary[metric], format(summary[metric], lang));
  const range = summary.range[metric];
  const used = summary[metric] > 0;
  $(`#${prefix}-${metric}-range`).textContent = used ? t("dashboard_range",
    { low: format(range.low, lang), high: format(range.high, lang) }) : "";
  const equivalent = used ? (summary.equivalents || []).find((e) => e.metric === metric) : null;
  showEquivalent($(`#${prefix}-${metric}-equivalent`), equivalent,
    equivalent ? t("equivalentIntro", { text: equivalentWords(equivalent) }) : "");
}

function renderHistory() {
  const history = state.history;
  if (!history) return;
  const { period, shown, days, before } = history;
  const total = totalOf(days);
  const section = $("#history");
  section.dataset.kind = period.kind;
  section.dataset.from = shown.from;
  section.dataset.to = shown.to;
  $("#period-title").textContent = periodTitle(period, shown);
  $("#period-later").disabled = !periodAfter(period, isoDate(new Date()));
  const lead = $("#period-lead");
  const counts = { prompts: promptCount(total.prompts), images: imageCount(total.images),
    videos: videoCount(total.videos) };
  if (total.prompts + total.images + total.videos === 0) lead.textContent = t("dashboard_chart_empty");
  else if (total.videos) lead.textContent = t("dashboard_period_lead_videos", counts);
  else lead.textContent = t("dashboard_period_lead", counts);
  lead.dataset.prompts = String(total.prompts);
  lead.dataset.images = String(total.images);
  lead.dataset.videos = String(total.videos);
  for (const metric of METRICS) showImpact("period", metric, total, equivalentText);
  renderCompare(total.energy_wh, before.reduce((sum, d) => sum + d.energy_wh, 0), history.compared);
  renderCharts(period, days, total);
  renderBreakdown("per-site", sumGroups(days, "sites"), t("dashboard_col_site"), (name) => name);
  renderBreakdown("per-label", sumGroups(days, "labels"), t("dashboard_col_label"), labelName);
}

function syncViewControls() {
  for (const radio of document.querySelectorAll('input[name="period"]')) {
    radio.checked = radio.value === state.view.kind;
  }
  const custom = state.view.kind === "custom";
  $("#custom-form").hidden = !custom;
  if (custom && state.period) {
    $("#custom-from").value = state.period.from;
    $("#custom-to").value = state.period.to;
  }
  const today = isoDate(new Date());
  $("#custom-from").max = today;
  $("#custom-to").max = today;
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
  // A video's factor is the table's, outside the report and the same under every profile.
  if (table.video) {
    factorRow(body, t("dashboard_factor_video_energy"), table.video.low, table.video.central,
      table.video.high, "Wh", table.video.sources);
  }
  factorRow(body, t("dashboard_factor_grid", { location: where }), null, location.grid_g_per_kwh, null,
    "g", location.sources);
  factorRow(body, t("dashboard_factor_water", { location: where }), null, location.water_ml_per_wh, null,
    "ml", location.sources);
  // The image range's upper end is not the report's, whatever the figures chosen.
  $("#image-high-note").textContent = t("dashboard_factor_image_high_note",
    { high: `${formatNumber(profile.image.high, lang)} Wh` });
  $("#video-note").hidden = !table.video;
  const water = table.water_range_ml_per_wh;
  factorRow(body, t("dashboard_factor_water_range"), water.low, null, water.high, "ml", water.sources);
  $("#sources-list").replaceChildren(...Object.values(table.sources).map((source) => {
    const item = document.createElement("li");
    item.textContent = `${source.title} (${source.year}). ${source.covers}`;
    if (source.url) { // where a reader can check it
      const link = document.createElement("a");
      link.href = source.url;
      link.textContent = source.url;
      link.rel = "noreferrer";
      item.append(" ", link);
    }
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
      // No "0 keer een telefoon opladen" for a scenario of zero.
      const equivalent = figures[metric] > 0 && figures.equivalents.find((e) => e.metric === metric);
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
  // The figures the tables were computed with: the report's, or another source's label.
  const { profile, location } = state.scenario.inputs;
  const table = state.factors?.table;
  $("#scenario-assumption").textContent = table ? t("dashboard_assumption", {
    profile: table.profiles[profile]?.label[state.lang] ?? profile,
    location: table.locations[location]?.label[state.lang] ?? location,
  }) : "";
  $("#report-figures").replaceChildren(reportFigures(state.scenario.report_figures, state.lang, t));
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

// Pause and the activity label as the daemon has them (shared with the popup and the tray).
function showShared(settings) {
  setPaused(Boolean(settings.paused));
  state.label = settings.label || "";
  $("#label-select").value = state.label;
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
  renderHistory();
  renderScenario();
}

// Answers can arrive out of order (two quick choices, or a choice during the periodic
// refresh): each of these counts its requests and shows only the newest one's answer.
let todayRequest = 0;
let historyRequest = 0;
let scenarioRequest = 0;
let renderCount = 0;

function spanQuery(span) {
  const query = figureQuery();
  query.set("from", span.from);
  query.set("to", span.to);
  return query;
}

async function loadToday() {
  const request = ++todayRequest;
  const today = await api(`/api/v1/summary?${figureQuery()}`);
  if (request !== todayRequest) return;
  state.today = today;
  renderToday();
}

// The period shown and what it is compared with: one /days call each, for exactly the days
// shown (up to today) and the days they are compared with; nothing else.
async function loadHistory() {
  const request = ++historyRequest;
  const today = isoDate(new Date());
  const period = periodOfView(state.view, today);
  const shown = shownSpan(period, today);
  const compared = comparedSpan(period, today);
  const [days, before] = await Promise.all([api(`/api/v1/days?${spanQuery(shown)}`),
    api(`/api/v1/days?${spanQuery(compared)}`)]);
  if (request !== historyRequest) return false;
  state.period = period;
  state.history = { period, shown, compared, days: fillDays(days, shown.from, shown.to), before };
  renderHistory();
  return true;
}

async function refreshFigures() {
  await Promise.all([loadToday(), loadHistory()]);
  reachable();
  document.body.dataset.state = "ready";
}

// A choice of period: the new period's days are fetched and drawn. The time from the choice
// to the figures is measured (performance 'period-rendered' once the page holds them,
// 'period-painted' after the next frame): benchmarks/bench_dashboard_periods.py reads them.
async function choosePeriod(view) {
  performance.mark("period-choice");
  const today = isoDate(new Date());
  state.view = view;
  state.period = periodOfView(view, today);
  if (view.kind !== "custom" && shownSpan(state.period, today).complete === false) state.view.date = null;
  saveView();
  syncViewControls();
  try {
    if (!(await loadHistory())) return;
    const detail = view.kind;
    performance.measure("period-rendered", { start: "period-choice", detail });
    requestAnimationFrame(() => setTimeout(() => {
      performance.measure("period-painted", { start: "period-choice", detail });
      $("#history").dataset.painted = String(renderCount);
    }));
    $("#history").dataset.rendered = String(++renderCount);
    reachable();
  } catch (error) {
    showLoadError(error);
  }
}

function stepPeriod(step) {
  const today = isoDate(new Date());
  const next = step < 0 ? periodBefore(state.period) : periodAfter(state.period, today);
  if (!next) return;
  choosePeriod(next.kind === "custom" ? { kind: "custom", from: next.from, to: next.to }
    : { kind: next.kind, date: next.to >= today ? null : next.from });
}

// The daemon cannot be reached (fetch itself failed): say how to start it, and retry.
function showLoadError(error) {
  if (error.offline) {
    $("#offline-note").hidden = false;
    showStatus("");
    document.body.dataset.state = "offline";
  } else {
    showStatus(t("dashboard_load_failed", { message: error.message }));
    document.body.dataset.state = "failed";
  }
}

function reachable() {
  $("#offline-note").hidden = true;
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
  $("#resume").addEventListener("click", async () => {
    setPaused(false);
    await saveSettings({ paused: false });
  });
  $("#retry").addEventListener("click", () => loadEverything().catch(showLoadError));
  $("#label-select").addEventListener("change", (event) => {
    state.label = event.target.value;
    saveSettings({ label: state.label || null }); // "" is no label
  });
  for (const select of [$("#profile-select"), $("#location-select")]) {
    select.addEventListener("change", async () => {
      state.profile = $("#profile-select").value;
      state.location = $("#location-select").value;
      renderMethod();
      await Promise.all([refreshFigures().catch(showLoadError), runScenario(), saveSettings(
        { profile: state.profile, location: state.location })]);
    });
  }
  for (const radio of document.querySelectorAll('input[name="period"]')) {
    radio.addEventListener("change", (event) => {
      const kind = event.target.value;
      // A custom range starts as the days shown, to be changed in the form.
      const shown = state.history?.shown;
      choosePeriod(kind === "custom" && shown ? { kind, from: shown.from, to: shown.to }
        : { kind, date: null });
    });
  }
  $("#custom-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const period = customPeriod($("#custom-from").value, $("#custom-to").value);
    const today = isoDate(new Date());
    $("#custom-error").hidden = Boolean(period && period.to <= today);
    if (period && period.to <= today) choosePeriod({ kind: "custom", from: period.from, to: period.to });
  });
  // The charts are drawn as wide as their box: again when it changes (a phone turned).
  let resizing = null;
  let drawnWidth = $("#chart-uses").clientWidth;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      if ($("#chart-uses").clientWidth === drawnWidth) return;
      drawnWidth = $("#chart-uses").clientWidth;
      renderHistory();
    }, 150);
  });
  $("#period-earlier").addEventListener("click", () => stepPeriod(-1));
  $("#period-later").addEventListener("click", () => stepPeriod(1));
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

// The factors (once), then every figure and the scenario; again after "Try again".
async function loadEverything() {
  if (!state.factors) {
    const factors = await api("/api/v1/factors");
    state.factors = factors;
    state.profile = state.settings.profile || factors.profile || factors.table.defaults.profile;
    state.location = state.settings.location || factors.location || factors.table.defaults.location;
    renderMethod();
  }
  await Promise.all([refreshFigures(), runScenario({ profile: state.profile, location: state.location })]);
  showStatus("");
}

async function start() {
  const settings = await loadSettings();
  state.settings = settings;
  state.lang = settings.lang_saved ? settings.lang : browserLang(settings.lang);
  setRole(settings.role);
  setPaused(Boolean(settings.paused));
  showShared(settings);
  state.view = viewFromUrl();
  state.period = periodOfView(state.view, isoDate(new Date()));
  syncViewControls();
  applyTranslations();
  wireControls();
  showStatus(t("dashboard_loading"));
  try {
    await loadEverything();
    saveView();
  } catch (error) {
    showLoadError(error);
  }
  if (!settings.role && document.body.dataset.state !== "offline") welcome();
  setInterval(() => {
    if (document.visibilityState === "visible") refreshFigures().catch(showLoadError);
  }, REFRESH_MS);
  // A count from any browser, or pause and label changed in the popup or the tray: shown
  // within a second. The stream's first event comes as it (re)opens: a restarted daemon
  // is re-read too. data-live counts the updates (the tests wait on it).
  let updates = 0;
  followChanges({
    url: "",  // same origin: the fetch sends the session cookie
    onChange: async () => {
      await refreshFigures().catch(showLoadError);
      const current = await loadSettings();
      if ("paused" in current) showShared(current);
      document.body.dataset.live = String(++updates);
    },
  });
}

start();
