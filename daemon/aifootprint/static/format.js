// Numbers and units for people, the same rules as formatting.py (the CLI and the
// tray print the same text): '1.440 Wh' in Dutch, '1,440 Wh' in English.

const ENERGY_UNITS = [[1, "Wh"], [1e3, "kWh"], [1e6, "MWh"], [1e9, "GWh"]];
const MASS_UNITS = [[1, "g"], [1e3, "kg"], [1e6, "t"]];
const VOLUME_UNITS = [[1, "ml"], [1e3, "L"], [1e6, "m³"]];

// Digits after the separator: none from 100 up, one from 1 up, two significant below.
export function decimalsFor(value) {
  const size = Math.abs(value);
  if (size === 0 || size >= 100) return 0;
  if (size >= 1) return 1;
  return Math.min(6, 1 - Math.floor(Math.log10(size)));
}

// formatting.py rounds half up on the shortest decimal form of the number (2,102.5 Wh
// prints as 2,103); Intl's halfExpand does the same for these positive figures.
const english = new Map();
function englishFormat(places) {
  if (!english.has(places)) {
    english.set(places, new Intl.NumberFormat("en-US", {
      minimumFractionDigits: places, maximumFractionDigits: places,
      roundingMode: "halfExpand", useGrouping: "always",
    }));
  }
  return english.get(places);
}

export function formatNumber(value, lang, decimals = null) {
  const places = decimals === null ? decimalsFor(value) : decimals;
  let text = englishFormat(places).format(value);
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  if (text === "-0" || text === "") text = "0";
  if (lang === "nl") text = text.replace(/[.,]/g, (mark) => (mark === "," ? "." : ","));
  return text;
}

function formatQuantity(value, units, lang) {
  let [divisor, unit] = units[0];
  for (const [candidateDivisor, candidateUnit] of units) {
    if (Math.abs(value) >= candidateDivisor) [divisor, unit] = [candidateDivisor, candidateUnit];
  }
  return `${formatNumber(value / divisor, lang)} ${unit}`;
}

export const formatEnergy = (wh, lang) => formatQuantity(wh, ENERGY_UNITS, lang);
export const formatCo2 = (grams, lang) => `${formatQuantity(grams, MASS_UNITS, lang)} CO2`;
export const formatWater = (ml, lang) => formatQuantity(ml, VOLUME_UNITS, lang);

export const METRIC_FORMATTERS = {
  energy_wh: formatEnergy,
  co2_g: formatCo2,
  water_ml: formatWater,
};

export function formatRange(low, high, formatter, lang) {
  return `${formatter(low, lang)} – ${formatter(high, lang)}`;
}
