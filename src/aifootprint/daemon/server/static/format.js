// Numbers and units for people, as src/aifootprint/model/formatting.py writes them (the
// dashboard and the teacher page serve synced copies: scripts/sync_shared.py):
// '1.440 Wh' and '8,4 L' in Dutch, '1,440 Wh' and '8.4 L' in English.

const ENERGY_UNITS = [[1, 'Wh'], [1e3, 'kWh'], [1e6, 'MWh'], [1e9, 'GWh']];
const MASS_UNITS = [[1, 'g'], [1e3, 'kg'], [1e6, 't']];
const VOLUME_UNITS = [[1, 'ml'], [1e3, 'L'], [1e6, 'm³']];

// Digits after the separator: none from 100 up, one from 1 up, two significant below.
export function decimalsFor(value) {
  const size = Math.abs(value);
  if (size === 0 || size >= 100) return 0;
  if (size >= 1) return 1;
  return Math.min(6, 1 - Math.floor(Math.log10(size)));
}

export function formatNumber(value, lang, decimals) {
  const places = decimals === undefined ? decimalsFor(value) : decimals;
  // Half up, as formatting.py rounds (2,102.5 Wh prints as 2,103), not toFixed's binary rounding.
  let text = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: places, maximumFractionDigits: places, roundingMode: 'halfExpand',
  }).format(value);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  if (text === '-0' || text === '') text = '0';
  if (lang === 'nl') text = text.replace(/[.,]/g, (mark) => (mark === ',' ? '.' : ','));
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
export const METRIC_FORMATTERS = { energy_wh: formatEnergy, co2_g: formatCo2, water_ml: formatWater };

// People, households and cars print as whole numbers ('drinkwater voor 4 mensen', not 4,2
// mensen): footprint.py's WHOLE_EQUIVALENTS. The exact amount stays one click away.
export const WHOLE_EQUIVALENTS = new Set(['household_years', 'car_years', 'drinking_water_people', 'household_water_years']);

// An equivalent's number as footprint.py prints it: whole for people, households and cars
// and from 10 up, else one decimal.
export function equivalentNumber(amount, lang, key) {
  return formatNumber(amount, lang, WHOLE_EQUIVALENTS.has(key) || amount >= 10 ? 0 : 1);
}

// The exact amount behind an equivalent, for its tooltip: two decimals at most.
export const exactNumber = (amount, lang) => formatNumber(amount, lang, 2);
