// The teacher page: fetch the class report with the teacher key and fill the table.
// The key stays in this page's memory: not in the URL, not in storage.
// format.js is the extension's (scripts/sync_shared.py copies it): the units of the CLI.
import { formatCo2, formatEnergy, formatNumber, formatWater } from "./format.js";

const main = document.getElementById("teacher");
const lang = main.dataset.lang;
const texts = JSON.parse(main.dataset.texts);
const count = (value) => formatNumber(value, lang, 0);

// A figure and, in brackets, its 95 % interval: '4,8 kWh (3,6 kWh – 6 kWh)'.
function cell(value, low, high, format) {
  const td = document.createElement("td");
  td.textContent = `${format(value, lang)} `;
  const bar = document.createElement("span");
  bar.className = "bar";
  bar.textContent = `(${format(low, lang)} – ${format(high, lang)})`;
  td.append(bar);
  return td;
}

function row(period) {
  const tr = document.createElement("tr");
  const name = document.createElement("td");
  name.textContent = period.period;
  tr.append(name);
  if (period.status !== "released") {
    // A status, never a number: too few students, too uncertain, or released the earlier way.
    const td = document.createElement("td");
    td.colSpan = 4;
    td.textContent = texts[period.status] ?? texts.not_enough;
    tr.append(td);
    return tr;
  }
  const band = document.createElement("td");
  band.textContent = period.participants;
  const range = period.noise_range;
  tr.append(band,
    cell(period.energy_wh, range.energy_wh.low, range.energy_wh.high, formatEnergy),
    cell(period.co2_g, range.co2_g.low, range.co2_g.high, formatCo2),
    cell(period.water_ml, range.water_ml.low, range.water_ml.high, formatWater));
  return tr;
}

function show(report) {
  document.getElementById("class-name").textContent = report.class.name;
  const body = document.querySelector("#report tbody");
  body.replaceChildren(...report.periods.map(row));
  const hypothetical = report.hypothetical;
  // '1 schooldag', '5 schooldagen'
  const days = (hypothetical.school_days === 1 ? texts.school_days_one : texts.school_days)
    .replace("{n}", count(hypothetical.school_days));
  document.getElementById("compare").textContent = texts.compare
    .replace("{days}", days)
    .replace("{energy}", formatEnergy(hypothetical.energy_wh, lang));
  document.getElementById("message").textContent = report.periods.length ? "" : texts.none;
  document.getElementById("report").hidden = false;
}

document.getElementById("report-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const classId = encodeURIComponent(form.get("class_id").trim());
  const response = await fetch(`/api/v1/classes/${classId}/report`, {
    headers: { Authorization: `Bearer ${form.get("teacher_key").trim()}` },
  });
  const answer = await response.json();
  if (!response.ok) {
    document.getElementById("report").hidden = true;
    document.getElementById("message").textContent = answer.error.message;
    return;
  }
  show(answer);
});
