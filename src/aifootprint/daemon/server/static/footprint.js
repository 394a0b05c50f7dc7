// The footprint arithmetic of src/aifootprint/model/footprint.py, for the popup: right from the
// extension's own counts even while the daemon is down. Same factor file (a synced copy of
// the repo's shared_factors.json), same formulas, same equivalent thresholds; the tests in
// tests/extension/footprint.test.js pin the same numbers as tests/test_footprint.py.

export const KINDS = ['prompt', 'image', 'video'];
// The count field of each kind in {prompts, images, videos}.
export const COUNT_FIELDS = { prompt: 'prompts', image: 'images', video: 'videos' };
const UNKNOWN = Object.freeze({ low: 0, central: 0, high: 0 });
const METRICS = ['energy_wh', 'co2_g', 'water_ml'];

const estimate = (low, central, high) => ({ low, central, high });
const scaled = (e, f) => estimate(e.low * f, e.central * f, e.high * f);
const added = (a, b) => estimate(a.low + b.low, a.central + b.central, a.high + b.high);
const ZERO = Object.freeze({ energy_wh: estimate(0, 0, 0), co2_g: estimate(0, 0, 0), water_ml: estimate(0, 0, 0) });

function profileOf(factors, name) {
  const profile = factors.profiles[name || factors.defaults.profile];
  if (!profile) throw new Error(`unknown profile ${name}`);
  return profile;
}

function locationOf(factors, name) {
  const location = factors.locations[name || factors.defaults.location];
  if (!location) throw new Error(`unknown location ${name}`);
  return location;
}

// Wh per unit of a kind: the profile's for prompts and images; a video clip's is the table's,
// the same under every profile (footprint.py's FactorTable.energy_wh).
function factorOf(factors, kind, profile) {
  return kind === 'video' ? factors.video : profileOf(factors, profile)[kind];
}

// Whether the table has a factor for this kind (an older table may have none for video).
export function hasFactor(factors, kind, profile) {
  return Boolean(factorOf(factors, kind, profile));
}

// The impact of one unit of a kind (a prompt, an image, a video clip): {energy_wh, co2_g,
// water_ml}, each {low, central, high}. A kind the table has no factor for counts zero.
export function unitImpact(factors, kind, profile, location) {
  const energy = factorOf(factors, kind, profile) || UNKNOWN;
  const place = locationOf(factors, location);
  const water = factors.water_range_ml_per_wh;
  const energyWh = estimate(energy.low, energy.central, energy.high);
  return {
    energy_wh: energyWh,
    co2_g: scaled(energyWh, place.grid_g_per_kwh / 1000),
    water_ml: estimate(
      energy.low * Math.min(water.low, place.water_ml_per_wh),
      energy.central * place.water_ml_per_wh,
      energy.high * Math.max(water.high, place.water_ml_per_wh),
    ),
  };
}

// counts: {prompts, images, videos?, video_seconds?, videos_timed?}
export function impactOf(factors, counts, profile, location) {
  let total = ZERO;
  for (const kind of KINDS) {
    const n = counts[COUNT_FIELDS[kind]] || 0;
    const unit = unitImpact(factors, kind, profile, location);
    total = Object.fromEntries(METRICS.map((m) => [m, added(total[m], scaled(unit[m], n))]));
  }
  return total;
}

// One comparison per metric, chosen so the number stays relatable at this size:
// [{metric, key, amount}] with the keys of footprint.py's EQUIVALENT_TEXTS.
export function equivalents(factors, impact) {
  const eq = Object.fromEntries(Object.entries(factors.equivalents).map(([k, v]) => [k, v.value]));
  const wh = impact.energy_wh.central;
  const grams = impact.co2_g.central;
  const ml = impact.water_ml.central;
  const householdWh = eq.household_kwh_per_year * 1000;
  let energy;
  if (wh < 500) energy = ['phone_charges', wh / eq.phone_charge_wh];
  else if (wh < householdWh) energy = ['whiteboard_hours', wh / eq.digibord_w];
  else energy = ['household_years', wh / householdWh];

  const carYearG = eq.car_g_per_km * eq.car_km_per_year;
  const km = grams / eq.car_g_per_km;
  let co2;
  if (km < 1) co2 = ['car_metres', km * 1000];
  else if (grams < carYearG) co2 = ['car_km', km];
  else co2 = ['car_years', grams / carYearG];

  const personYearMl = eq.household_water_l_per_person_day * 1000 * 365;
  let water;
  if (ml < 1000) water = ['glasses', ml / eq.glass_ml];
  else if (ml < personYearMl) water = ['drinking_water_people', ml / (eq.drinking_water_l_per_person_day * 1000)];
  else water = ['household_water_years', ml / personYearMl];

  return [
    ['energy_wh', ...energy],
    ['co2_g', ...co2],
    ['water_ml', ...water],
  ].map(([metric, key, amount]) => ({ metric, key, amount }));
}

// Counts plus impacts and equivalents, the daemon summary's shape (central values flat).
export function summarize(factors, counts, profile, location) {
  const impact = impactOf(factors, counts, profile, location);
  const flat = { prompts: counts.prompts || 0, images: counts.images || 0, videos: counts.videos || 0, range: {} };
  // Videos counted while the factor table has no video factor yet: not in the figures.
  flat.videos_without_factor = flat.videos > 0 && !hasFactor(factors, 'video', profile);
  for (const metric of METRICS) {
    flat[metric] = impact[metric].central;
    flat.range[metric] = { low: impact[metric].low, high: impact[metric].high };
  }
  flat.equivalents = equivalents(factors, impact);
  return flat;
}
