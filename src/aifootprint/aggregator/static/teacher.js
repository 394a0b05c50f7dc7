// The teacher page: fetch the class report with the teacher key and fill the table.
// The key stays in this page's memory: not in the URL, not in storage.
const main = document.getElementById("teacher");
const lang = main.dataset.lang;
const texts = JSON.parse(main.dataset.texts);
const locale = lang === "nl" ? "nl-NL" : "en-GB";
const number = (value) => value.toLocaleString(locale, { maximumFractionDigits: 1 });

function cell(value, low, high, unit) {
  const td = document.createElement("td");
  td.textContent = `${number(value)}${unit} `;
  const bar = document.createElement("span");
  bar.className = "bar";
  bar.textContent = `(${number(low)}–${number(high)})`;
  td.append(bar);
  return td;
}

function row(period) {
  const tr = document.createElement("tr");
  const name = document.createElement("td");
  name.textContent = period.period;
  tr.append(name);
  if (period.status !== "released") {
    const td = document.createElement("td");
    td.colSpan = 6;
    td.textContent = texts.not_enough;
    tr.append(td);
    return tr;
  }
  const band = document.createElement("td");
  band.textContent = period.participants;
  const range = period.noise_range;
  tr.append(band,
    cell(period.prompts_noisy.value, period.prompts_noisy.low, period.prompts_noisy.high, ""),
    cell(period.images_noisy.value, period.images_noisy.low, period.images_noisy.high, ""),
    cell(period.energy_wh, range.energy_wh.low, range.energy_wh.high, " Wh"),
    cell(period.co2_g, range.co2_g.low, range.co2_g.high, " g"),
    cell(period.water_ml, range.water_ml.low, range.water_ml.high, " ml"));
  return tr;
}

function show(report) {
  document.getElementById("class-name").textContent = report.class.name;
  const body = document.querySelector("#report tbody");
  body.replaceChildren(...report.periods.map(row));
  const hypothetical = report.hypothetical;
  document.getElementById("compare").textContent = texts.compare
    .replace("{days}", hypothetical.school_days)
    .replace("{energy}", `${number(hypothetical.energy_wh)} Wh`);
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
