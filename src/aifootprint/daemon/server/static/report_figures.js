// The report to the digit, under the school-day calculator: the headline (vo and po
// together), Table 2 (one school) and Figure 1 (the country), each figure as the report
// prints it beside exact arithmetic and the report's own rounding, with a numbered reason
// for every difference; training and the newer-models warning as context. The figures and
// their reasons come from POST /api/v1/scenario (report_figures, model/report_figures.py),
// which gives them only for the report's own inputs.

import { formatNumber } from "./format.js";

const GROUPS = ["headline", "table_2", "figure_1", "training"];

// The exact value with a digit beyond the printed one (two below 10): 1.439,2 beside 1.440.
function exactText(figure, lang) {
  return formatNumber(figure.exact, lang, figure.decimals + (figure.exact < 10 ? 2 : 1));
}

function cell(row, text, tag = "td") {
  const element = document.createElement(tag);
  element.textContent = text;
  row.append(element);
  return element;
}

function groupName(figure, t) {
  const level = { vo: t("dashboard_vo"), po: t("dashboard_po") }[figure.level] || "";
  return {
    headline: t("dashboard_report_group_headline"),
    table_2: t("dashboard_report_group_table_2", { level }),
    figure_1: t("dashboard_report_group_figure_1", { level }),
    training: t("dashboard_report_group_training"),
  }[figure.group];
}

function measureName(measure, t) {
  return {
    people_water: t("dashboard_report_people_water"),
    households_electricity: t("dashboard_report_households_electricity"),
    cars_co2: t("dashboard_report_cars_co2"),
  }[measure];
}

function figuresTable(report, lang, t, reasons) {
  const table = document.createElement("table");
  table.classList.add("scenario-table", "report-figures-table");
  table.createCaption().textContent = t("dashboard_report_caption");
  const head = table.createTHead().insertRow();
  for (const heading of [t("dashboard_report_col_figure"), t("dashboard_report_col_printed"),
    t("dashboard_report_col_exact"), t("dashboard_report_col_rounding"),
    t("dashboard_report_col_reason")]) {
    cell(head, heading, "th").scope = "col";
  }
  for (const group of GROUPS) {
    const figures = report.figures.filter((figure) => figure.group === group);
    for (const level of [...new Set(figures.map((figure) => figure.level))]) {
      const body = table.createTBody();
      body.dataset.group = group;
      body.dataset.level = level;
      const title = cell(body.insertRow(), groupName(figures.find((f) => f.level === level), t), "th");
      title.colSpan = 5;
      title.scope = "colgroup";
      for (const figure of figures.filter((f) => f.level === level)) {
        const row = body.insertRow();
        row.dataset.measure = figure.measure;
        cell(row, measureName(figure.measure, t), "th").scope = "row";
        cell(row, formatNumber(figure.printed, lang, figure.decimals)).dataset.printed = figure.printed;
        cell(row, exactText(figure, lang)).dataset.exact = figure.exact;
        cell(row, formatNumber(figure.as_printed, lang, figure.decimals));
        cell(row, figure.reasons.map((reason) => `[${reasons.indexOf(reason) + 1}]`).join(" "));
      }
    }
  }
  return table;
}

// The report's figures and their context, or one sentence saying why there are none.
export function reportFigures(report, lang, t) {
  const part = document.createElement("div");
  part.className = "report-figures";
  const title = document.createElement("h3");
  title.textContent = t("dashboard_report_title");
  const intro = document.createElement("p");
  part.append(title, intro);
  if (!report) {
    intro.textContent = t("dashboard_report_only_defaults");
    return part;
  }
  intro.textContent = t("dashboard_report_intro", {
    stated: formatNumber(report.car_km_per_year.stated, lang, 0),
    fitted: formatNumber(report.car_km_per_year.fitted, lang, 0),
  });
  // Numbered in the API's order, as `aifootprint scenario` numbers them.
  const used = new Set(report.figures.flatMap((figure) => figure.reasons));
  const reasons = Object.keys(report.reasons).filter((reason) => used.has(reason));
  const wrapper = document.createElement("div");
  wrapper.className = "table-scroll";
  wrapper.append(figuresTable(report, lang, t, reasons));
  const notes = document.createElement("ol");
  notes.className = "report-reasons";
  notes.append(...reasons.map((reason) => {
    const item = document.createElement("li");
    item.dataset.reason = reason;
    item.textContent = report.reasons[reason][lang];
    return item;
  }));
  const context = document.createElement("ul");
  context.className = "report-context";
  context.append(...report.context.map((text) => {
    const item = document.createElement("li");
    item.textContent = text[lang];
    return item;
  }));
  part.append(wrapper, notes, context);
  return part;
}
