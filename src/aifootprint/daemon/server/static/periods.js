// The dashboard's periods: week, month, school term, school year and a custom range, as
// local calendar days (ISO strings, 'YYYY-MM-DD'), the period before each one, and how the
// days are grouped into chart bars. Pure functions: no DOM, no clock (today is passed in).
//
// - week: Monday to Sunday (ISO 8601 weeks, as Dutch schools count them: "week 10").
// - month: the calendar month.
// - school year: 1 August to 31 July, the Dutch school year (Wet op het voortgezet
//   onderwijs and Wet op het primair onderwijs: "het tijdvak dat aanvangt op 1 augustus").
// - school term: there is no national division; each school sets its own periodes (three
//   or four, with its own dates). We use three terms: August to December, January to March,
//   April to July (the choice; docs/dashboard.md says so).
// - custom: any from-to range of at most MAX_DAYS days (the API's limit for /days).
//
// A period that contains today is shown up to today (no future days are fetched), and it is
// compared with the same number of days from the start of the period before (Monday to
// Wednesday with last Monday to Wednesday), so a period half gone is never compared with a
// whole one. A custom range is compared with as many days right before it.

export const KINDS = ['week', 'month', 'term', 'year', 'custom'];
export const MAX_DAYS = 366;
// A chart has at most this many bars: the finest of day, week and month that fits. 31 bars
// keep a month by day (the longest month) and a term by week (August to December is 22 or
// 23 weeks); a school year is then 12 months. On a 360 px phone a bar is still about 6 px
// wide with a gap, each bar has a tooltip, and the labels are calendar units a student knows.
export const MAX_BARS = 31;

const DAY_MS = 86400000;
const TERM_STARTS = [8, 1, 4]; // first month of each term, in school-year order

const dayNumber = (iso) => {
  const [year, month, day] = iso.split('-').map(Number);
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
};
const fromDayNumber = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);
const ymd = (iso) => iso.split('-').map(Number);
const iso = (year, month, day) => fromDayNumber(Math.round(Date.UTC(year, month - 1, day) / DAY_MS));

export const isIsoDate = (text) => /^\d{4}-\d{2}-\d{2}$/.test(text || '')
  && fromDayNumber(dayNumber(text)) === text;
export const addDays = (day, n) => fromDayNumber(dayNumber(day) + n);
/** Days from `first` to `last`, both included. */
export const dayCount = (first, last) => dayNumber(last) - dayNumber(first) + 1;
export const minDay = (a, b) => (a < b ? a : b);

/** Monday of the ISO week of `day`. */
export function weekStart(day) {
  const weekday = (new Date(dayNumber(day) * DAY_MS).getUTCDay() + 6) % 7; // Monday 0
  return addDays(day, -weekday);
}

/** The ISO 8601 week number of `day` (1-53). */
export function weekNumber(day) {
  const thursday = addDays(weekStart(day), 3);
  const [year] = ymd(thursday);
  return Math.floor((dayNumber(thursday) - dayNumber(iso(year, 1, 1))) / 7) + 1;
}

/** The first calendar year of the school year of `day` (2024 for 2024-2025). */
export function schoolYearOf(day) {
  const [year, month] = ymd(day);
  return month >= 8 ? year : year - 1;
}

/** The term (1, 2 or 3) of `day`. */
export function termOf(day) {
  const [, month] = ymd(day);
  if (month >= 8) return 1;
  return month <= 3 ? 2 : 3;
}

/** The whole calendar period of `kind` that holds `day`: {kind, from, to, ...}. */
export function periodOf(kind, day) {
  const [year, month] = ymd(day);
  if (kind === 'week') {
    const from = weekStart(day);
    return { kind, from, to: addDays(from, 6), week: weekNumber(day) };
  }
  if (kind === 'month') return { kind, from: iso(year, month, 1), to: iso(year, month + 1, 0) };
  const schoolYear = schoolYearOf(day);
  if (kind === 'year') return { kind, from: iso(schoolYear, 8, 1), to: iso(schoolYear + 1, 7, 31), schoolYear };
  if (kind === 'term') {
    const term = termOf(day);
    const startYear = term === 1 ? schoolYear : schoolYear + 1;
    const startMonth = TERM_STARTS[term - 1];
    const endMonth = term === 3 ? 8 : TERM_STARTS[term]; // the month after the term's last
    const endYear = term === 1 ? schoolYear + 1 : startYear;
    return { kind, from: iso(startYear, startMonth, 1), to: iso(endYear, endMonth, 0), term, schoolYear };
  }
  throw new Error(`unknown period kind ${kind}`);
}

/** A custom period; null unless both are dates, from <= to and at most MAX_DAYS days. */
export function customPeriod(from, to) {
  if (!isIsoDate(from) || !isIsoDate(to) || to < from || dayCount(from, to) > MAX_DAYS) return null;
  return { kind: 'custom', from, to };
}

/** The part of a period that is shown: up to today. null when it starts after today. */
export function shownSpan(period, today) {
  if (period.from > today) return null;
  return { from: period.from, to: minDay(period.to, today), complete: period.to <= today };
}

/** The period before `period` of the same kind (a custom range: as many days before it). */
export function periodBefore(period) {
  if (period.kind === 'custom') {
    const days = dayCount(period.from, period.to);
    return { kind: 'custom', from: addDays(period.from, -days), to: addDays(period.from, -1) };
  }
  return periodOf(period.kind, addDays(period.from, -1));
}

/** The period after `period`, or null when it would start after today. */
export function periodAfter(period, today) {
  const next = period.kind === 'custom'
    ? customPeriod(addDays(period.to, 1), addDays(period.to, dayCount(period.from, period.to)))
    : periodOf(period.kind, addDays(period.to, 1));
  return next && next.from <= today ? next : null;
}

/** What the period shown is compared with: as many days from the start of the period
 * before as are shown now (all of it when the period is over). */
export function comparedSpan(period, today) {
  const shown = shownSpan(period, today);
  const before = periodBefore(period);
  const days = dayCount(shown.from, shown.to);
  return { from: before.from, to: minDay(before.to, addDays(before.from, days - 1)) };
}

/** The unit of the chart's bars for a span of days: the finest with at most MAX_BARS. */
export function barUnit(from, to) {
  if (dayCount(from, to) <= MAX_BARS) return 'day';
  if (dayCount(weekStart(from), to) <= MAX_BARS * 7) return 'week';
  return 'month';
}

/** The bars of a span: [{from, to}] of whole days, weeks (Monday-Sunday) or months, each
 * cut to the span. */
export function bars(from, to, unit = barUnit(from, to)) {
  const result = [];
  let start = from;
  while (start <= to) {
    let end = start;
    if (unit === 'week') end = addDays(weekStart(start), 6);
    else if (unit === 'month') {
      const [year, month] = ymd(start);
      end = iso(year, month + 1, 0);
    }
    end = minDay(end, to);
    result.push({ from: start, to: end });
    start = addDays(end, 1);
  }
  return result;
}

/** Every day of a span, in order. */
export function daysOf(from, to) {
  return Array.from({ length: dayCount(from, to) }, (_, i) => addDays(from, i));
}
