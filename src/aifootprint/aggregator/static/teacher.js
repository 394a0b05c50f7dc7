// The teacher page: fetch the class report with the teacher key and fill the table, the
// chart and the school-day calculator.
// The key is typed once per browser tab: sessionStorage keeps it until the tab closes
// (https://html.spec.whatwg.org/multipage/webstorage.html#the-sessionstorage-attribute),
// never in the URL, never in localStorage. "Other class" deletes it.
// format.js is the extension's (scripts/sync_shared.py copies it): the units of the CLI.
import { formatCo2, formatEnergy, formatNumber, formatWater } from "./format.js";

const main = document.getElementById("teacher");
const lang = main.dataset.lang;
const texts = JSON.parse(main.dataset.texts);
const unit = JSON.parse(main.dataset.unit);
const count = (value) => formatNumber(value, lang, 0);
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, name) => values[name]);
const SESSION_KEY = "aifootprint-teacher";
const form = document.getElementById("report-form");
const message = document.getElementById("message");

// A figure and, in brackets, its 95 % interval: '4,8 kWh (3,6 kWh – 6 kWh)'; the energy
// (the released total) also with its stated margin: '4,8 kWh ±1,2 kWh (3,6 kWh – 6 kWh)'.
function cell(label, value, low, high, format, half) {
  const td = document.createElement("td");
  td.dataset.label = label;
  td.textContent = half === undefined ? `${format(value, lang)} `
    : `${format(value, lang)} ±${format(half, lang)} `;
  const bar = document.createElement("span");
  bar.className = "bar";
  bar.textContent = `(${format(low, lang)} – ${format(high, lang)})`;
  td.append(bar);
  return td;
}

const headings = () => [...document.querySelectorAll("#periods thead th")].map((th) => th.textContent);

function rows(period) {
  const [periodHead, studentsHead, energyHead, co2Head, waterHead] = headings();
  const tr = document.createElement("tr");
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = period.label?.[lang] ?? period.period;
  name.dataset.label = periodHead;
  tr.append(name);
  if (period.status !== "released") {
    // A status, never a number: too few students, too uncertain, or released the earlier
    // way (two noisy counts, no total). The band is known for all but too few students.
    if (period.participants !== undefined) {
      const band = document.createElement("td");
      band.dataset.label = studentsHead;
      band.textContent = period.participants;
      tr.append(band);
    }
    const td = document.createElement("td");
    td.colSpan = period.participants === undefined ? 4 : 3;
    td.className = "status";
    td.textContent = texts[period.status] ?? texts.not_enough;
    tr.append(td);
    return [tr];
  }
  const band = document.createElement("td");
  band.dataset.label = studentsHead;
  band.textContent = period.participants;
  const range = period.noise_range;
  tr.append(band,
    cell(energyHead, period.energy_wh, range.energy_wh.low, range.energy_wh.high, formatEnergy,
      period.half_width_wh),
    cell(co2Head, period.co2_g, range.co2_g.low, range.co2_g.high, formatCo2),
    cell(waterHead, period.water_ml, range.water_ml.low, range.water_ml.high, formatWater));
  const comparisons = document.createElement("tr");
  comparisons.className = "equivalents";
  const td = document.createElement("td");
  td.colSpan = 5;
  td.textContent = fill(texts.equivalents,
    { list: (period.equivalents ?? []).map((e) => e.text[lang]).join("; ") });
  comparisons.append(td);
  return [tr, comparisons];
}

// Electricity per released period: the margin as a bar, the figure as a dot, and the
// report's hypothetical class as a line, on one scale.
function chart(report) {
  const released = report.periods.filter((p) => p.status === "released");
  const figure = document.getElementById("chart");
  figure.hidden = released.length === 0;
  const reference = report.hypothetical.energy_wh;
  const top = Math.max(reference, ...released.map((p) => p.noise_range.energy_wh.high)) || 1;
  const at = (wh) => `${(100 * wh / top).toFixed(2)}%`;
  figure.querySelector(".chart-rows").replaceChildren(...released.map((period) => {
    const range = period.noise_range.energy_wh;
    const line = document.createElement("div");
    line.className = "chart-row";
    const name = document.createElement("span");
    name.textContent = period.label?.[lang] ?? period.period;
    const track = document.createElement("span");
    track.className = "track";
    const margin = Object.assign(document.createElement("span"), { className: "margin" });
    margin.style.left = at(range.low);
    margin.style.width = at(range.high - range.low);
    const dot = Object.assign(document.createElement("span"), { className: "dot" });
    dot.style.left = at(period.energy_wh);
    const hypothetical = Object.assign(document.createElement("span"), { className: "reference" });
    hypothetical.style.left = at(reference);
    track.append(margin, dot, hypothetical);
    const value = document.createElement("span");
    value.textContent = formatEnergy(period.energy_wh, lang);
    line.append(name, track, value);
    return line;
  }));
}

function schoolDays(days) {
  // '1 schooldag', '5 schooldagen'
  return fill(days === 1 ? texts.school_days_one : texts.school_days, { n: count(days) });
}

const longDate = (iso) => new Intl.DateTimeFormat(lang === "nl" ? "nl-NL" : "en-GB",
  { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" })
  .format(new Date(iso));

const nextRelease = (iso) => fill(texts.next_release, { date: longDate(iso) });

// Seats: how many joined, of how many, and whether anyone new can still get in.
let current = null;  // the class id and key of the report shown
let joiningOpen = true;

function showJoining(joining) {
  joiningOpen = joining.open;
  document.getElementById("joining-state").textContent = fill(
    joining.open ? texts.joining_open : texts.joining_closed,
    { members: count(joining.members), seats: count(joining.seats), date: longDate(joining.code_expires) });
  document.querySelector("#seats-form input[name=seats]").value = joining.seats;
  document.getElementById("toggle-joining").textContent = joining.open ? texts.close_joining : texts.open_joining;
}

async function teacherPost(path, body) {
  const response = await fetch(`/api/v1/classes/${encodeURIComponent(current.classId)}/${path}`, {
    method: "POST", body: JSON.stringify(body ?? {}),
    headers: { Authorization: `Bearer ${current.key}`, "Content-Type": "application/json",
      "Accept-Language": lang },
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(problem(response, answer));
  return answer;
}

async function changeJoining(body) {
  try {
    showJoining(await teacherPost("joining", body));
    message.textContent = "";
  } catch (error) { message.textContent = error.message; }
}

document.getElementById("seats-form").addEventListener("submit", (event) => {
  event.preventDefault();
  changeJoining({ seats: Number(event.target.elements.seats.value) });
});
document.getElementById("toggle-joining").addEventListener("click", () => changeJoining({ open: !joiningOpen }));
document.getElementById("reset").addEventListener("click", async () => {
  if (!window.confirm(texts.reset_confirm)) return;
  try {
    // This page's own address is the class server as students reach it (behind the
    // school's proxy too): the answer's join link and QR code point there.
    const answer = await teacherPost("reset", { server: location.origin });
    showJoining(answer.joining);
    const fresh = document.getElementById("new-code");
    fresh.replaceChildren(fill(texts.new_code, { code: answer.join_code, date: longDate(answer.join_expires) }),
      document.createElement("br"), answer.join_link);
    const qr = document.getElementById("new-qr");
    qr.src = answer.qr;
    qr.hidden = false;
    message.textContent = "";
  } catch (error) { message.textContent = error.message; }
});

function show(report) {
  document.getElementById("class-name").textContent = report.class.name;
  document.querySelector("#periods tbody").replaceChildren(...report.periods.flatMap(rows));
  document.getElementById("periods").hidden = report.periods.length === 0;
  chart(report);
  const hypothetical = report.hypothetical;
  document.getElementById("compare").textContent = fill(texts.compare,
    { days: schoolDays(hypothetical.school_days), energy: formatEnergy(hypothetical.energy_wh, lang) });
  const waiting = report.periods.length ? "" : `${texts.none} `;
  document.getElementById("next-release").textContent = waiting + nextRelease(report.next_release);
  if (report.joining) showJoining(report.joining);
  message.textContent = "";
  document.getElementById("report").hidden = false;
  form.hidden = true;
}

function showForm(text) {
  document.getElementById("report").hidden = true;
  form.hidden = false;
  message.textContent = text;
}

// One sentence in the page's language for what can go wrong; the server's own otherwise.
function problem(response, answer) {
  if (response.status === 401) return texts.key_wrong;
  if (response.status === 404) return texts.class_unknown;
  return answer?.error?.message ?? texts.unreachable;
}

async function load(ask) {
  let response;
  let answer;
  try {
    response = await fetch(`/api/v1/classes/${encodeURIComponent(ask.classId)}/report`, {
      headers: { Authorization: `Bearer ${ask.key}`, "Accept-Language": lang },
    });
    answer = await response.json();
  } catch {
    showForm(texts.unreachable);
    return;
  }
  if (!response.ok) {
    if (response.status === 401 || response.status === 404) sessionStorage.removeItem(SESSION_KEY);
    showForm(problem(response, answer));
    return;
  }
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(ask));
  current = ask;
  show(answer);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const fields = new FormData(form);
  form.elements.teacher_key.value = "";
  load({ classId: fields.get("class_id").trim(), key: fields.get("teacher_key").trim() });
});

document.getElementById("other-class").addEventListener("click", () => {
  sessionStorage.removeItem(SESSION_KEY);
  showForm("");
});
document.getElementById("print").addEventListener("click", () => window.print());

// The school-day calculator: the report's central figure per prompt and per image.
const calculator = document.getElementById("calc");
function calculate() {
  const value = (name) => Math.max(0, Number(calculator.elements[name].value) || 0);
  const students = value("students");
  const days = value("days");
  const prompts = students * value("prompts") + value("teacher");
  const total = (metric) => days
    * (prompts * unit.prompt[metric] + students * value("images") * unit.image[metric]);
  document.getElementById("calc-result").textContent = fill(texts.calc_result, {
    energy: formatEnergy(total("energy_wh"), lang), co2: formatCo2(total("co2_g"), lang),
    water: formatWater(total("water_ml"), lang),
  });
}
calculator.addEventListener("input", calculate);
calculate();

const saved = sessionStorage.getItem(SESSION_KEY);
if (saved) load(JSON.parse(saved));
