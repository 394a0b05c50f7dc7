// Small hand-drawn SVG bar charts: no library, no network. The SVG scales with its viewBox;
// the page draws it as wide as its box (at least MIN_WIDTH units), so the text of a chart on a
// phone stays about as large as the page's.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 640;
export const MIN_WIDTH = 320;
const CHAR_WIDTH = 7.5; // an average character of a 14-unit tick label
const HEIGHT = 220;
const PAD = { top: 12, right: 8, bottom: 28, left: 44 };

function node(name, attrs = {}, text = null) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value);
  if (text !== null) element.textContent = text;
  return element;
}

// A 'nice' axis maximum (1, 2, 5 x 10^n) so gridlines land on round numbers.
export function niceMax(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

// The axis values to draw a gridline and tick at: 0, half and the top; for counts
// (integer) only whole numbers, so an axis never reads 0,5 prompts.
export function ticks(top, integer = false) {
  return [0, top / 2, top].filter((value) => !integer || Number.isInteger(value));
}

// series: [{key, label, className}], rows: [{label, title, values: {key: number}}]
// Bars of the series are stacked. formatTick turns an axis value into text; integer says
// the values are counts. emptyText, when every bar is zero, is written across the plot.
// maxLabels: at most this many row labels under the bars (fewer when they would not fit).
// width: the drawing's width in units (the box's CSS pixels; MIN_WIDTH to 640).
export function barChart({ rows, series, ariaLabel, formatTick, integer = false, emptyText = "",
  maxLabels = 8, width = WIDTH }) {
  const chartWidth = Math.round(Math.min(WIDTH, Math.max(MIN_WIDTH, width)));
  const svg = node("svg", {
    viewBox: `0 0 ${chartWidth} ${HEIGHT}`, role: "img", "aria-label": ariaLabel,
    class: "bar-chart", preserveAspectRatio: "xMidYMid meet",
  });
  const plotWidth = chartWidth - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const totals = rows.map((row) => series.reduce((sum, s) => sum + (row.values[s.key] || 0), 0));
  const top = niceMax(Math.max(0, ...totals));
  const y = (value) => PAD.top + plotHeight - (value / top) * plotHeight;

  for (const value of ticks(top, integer)) {
    svg.append(node("line", { x1: PAD.left, x2: chartWidth - PAD.right, y1: y(value), y2: y(value),
      class: "grid" }));
    svg.append(node("text", { x: PAD.left - 6, y: y(value) + 4, class: "axis-tick",
      "text-anchor": "end" }, formatTick(value)));
  }
  if (emptyText && totals.every((total) => total === 0)) {
    svg.append(node("text", { x: PAD.left + plotWidth / 2, y: PAD.top + plotHeight / 2,
      class: "empty", "text-anchor": "middle" }, emptyText));
  }
  const slot = plotWidth / Math.max(1, rows.length);
  const barWidth = Math.max(2, slot * 0.7);
  const longest = Math.max(1, ...rows.map((row) => String(row.label).length));
  const fit = Math.max(1, Math.floor(plotWidth / (longest * CHAR_WIDTH + 12)));
  const labelEvery = Math.ceil(rows.length / Math.min(maxLabels, fit));
  const labels = [];
  rows.forEach((row, index) => {
    const x = PAD.left + index * slot + (slot - barWidth) / 2;
    let base = 0;
    const group = node("g", { class: "bar" });
    group.append(node("title", {}, row.title));
    for (const s of series) {
      const value = row.values[s.key] || 0;
      if (value > 0) {
        group.append(node("rect", { x, width: barWidth, y: y(base + value),
          height: Math.max(0.5, y(base) - y(base + value)), class: s.className }));
      }
      base += value;
    }
    svg.append(group);
    // Counted back from the last bar, so it is always labelled and labels never collide.
    if ((rows.length - 1 - index) % labelEvery === 0) {
      const last = index === rows.length - 1 && labelEvery > 1;
      labels.push({ x: last ? x + barWidth : x + barWidth / 2, anchor: last ? "end" : "middle",
        text: String(row.label) });
    }
  });
  // The last label ends at its bar (so it stays inside the drawing): the one before it goes
  // when the two would touch.
  const lastLabel = labels[labels.length - 1];
  const before = labels[labels.length - 2];
  if (lastLabel?.anchor === "end" && before && before.x + (before.text.length * CHAR_WIDTH) / 2
      > lastLabel.x - lastLabel.text.length * CHAR_WIDTH - 6) labels.splice(labels.length - 2, 1);
  for (const label of labels) {
    svg.append(node("text", { x: label.x, y: HEIGHT - 8, class: "tick", "text-anchor": label.anchor },
      label.text));
  }
  return svg;
}

export function legend(series) {
  const list = document.createElement("ul");
  list.className = "legend";
  for (const s of series) {
    const item = document.createElement("li");
    const swatch = node("svg", { width: 12, height: 12, "aria-hidden": "true" });
    swatch.append(node("rect", { width: 12, height: 12, class: s.className }));
    item.append(swatch, ` ${s.label}`);
    list.append(item);
  }
  return list;
}
