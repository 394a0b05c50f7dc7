// The dashboard's periods (src/aifootprint/daemon/server/static/periods.js): calendar
// bounds, the period before, and how many bars a chart gets. tests/test_dashboard.py checks
// the same bounds in the real page against the API's days.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bars, barUnit, comparedSpan, customPeriod, dayCount, MAX_BARS, periodAfter, periodBefore, periodOf,
  shownSpan, weekNumber,
} from '../../src/aifootprint/daemon/server/static/periods.js';

const span = (period) => [period.from, period.to];

test('weeks_run_monday_to_sunday_with_iso_numbers', () => {
  assert.deepEqual(span(periodOf('week', '2025-03-05')), ['2025-03-03', '2025-03-09']);
  assert.deepEqual(span(periodOf('week', '2025-03-09')), ['2025-03-03', '2025-03-09']);
  assert.equal(weekNumber('2025-03-05'), 10);
  assert.equal(weekNumber('2024-12-30'), 1); // ISO: the week of 2 January 2025
  assert.equal(weekNumber('2021-01-03'), 53);
  assert.deepEqual(span(periodOf('week', '2024-12-31')), ['2024-12-30', '2025-01-05']);
});

test('months_and_leap_years', () => {
  assert.deepEqual(span(periodOf('month', '2024-02-10')), ['2024-02-01', '2024-02-29']);
  assert.deepEqual(span(periodOf('month', '2025-12-31')), ['2025-12-01', '2025-12-31']);
});

test('the_school_year_is_1_august_to_31_july_in_three_terms', () => {
  assert.deepEqual(span(periodOf('year', '2025-07-31')), ['2024-08-01', '2025-07-31']);
  assert.deepEqual(span(periodOf('year', '2025-08-01')), ['2025-08-01', '2026-07-31']);
  assert.equal(periodOf('year', '2025-03-01').schoolYear, 2024);
  assert.deepEqual(span(periodOf('term', '2024-08-01')), ['2024-08-01', '2024-12-31']);
  assert.deepEqual(span(periodOf('term', '2024-12-31')), ['2024-08-01', '2024-12-31']);
  assert.deepEqual(span(periodOf('term', '2025-02-14')), ['2025-01-01', '2025-03-31']);
  assert.deepEqual(span(periodOf('term', '2025-04-01')), ['2025-04-01', '2025-07-31']);
  assert.deepEqual([1, 2, 3].map((n) => periodOf('term', ['2024-09-01', '2025-01-01', '2025-05-01'][n - 1]).term),
    [1, 2, 3]);
});

test('the_period_before_and_after', () => {
  assert.deepEqual(span(periodBefore(periodOf('term', '2025-01-10'))), ['2024-08-01', '2024-12-31']);
  assert.deepEqual(span(periodBefore(periodOf('term', '2024-09-10'))), ['2024-04-01', '2024-07-31']);
  assert.deepEqual(span(periodBefore(periodOf('month', '2025-03-31'))), ['2025-02-01', '2025-02-28']);
  assert.deepEqual(span(periodBefore(customPeriod('2025-03-01', '2025-03-10'))), ['2025-02-19', '2025-02-28']);
  assert.equal(periodAfter(periodOf('week', '2025-03-05'), '2025-03-05'), null);
  assert.deepEqual(span(periodAfter(periodOf('week', '2025-03-05'), '2025-03-10')), ['2025-03-10', '2025-03-16']);
});

test('a_period_under_way_is_shown_to_today_and_compared_with_as_many_days', () => {
  const week = periodOf('week', '2025-03-05'); // a Wednesday
  assert.deepEqual(shownSpan(week, '2025-03-05'), { from: '2025-03-03', to: '2025-03-05', complete: false });
  assert.deepEqual(comparedSpan(week, '2025-03-05'), { from: '2025-02-24', to: '2025-02-26' });
  // March 31 days shown in full; February has only 28.
  assert.deepEqual(comparedSpan(periodOf('month', '2025-03-05'), '2025-04-02'), { from: '2025-02-01', to: '2025-02-28' });
  assert.equal(shownSpan(periodOf('week', '2025-03-10'), '2025-03-05'), null);
});

test('custom_ranges_are_checked', () => {
  assert.equal(customPeriod('2025-03-10', '2025-03-01'), null);
  assert.equal(customPeriod('2025-02-30', '2025-03-01'), null);
  assert.equal(customPeriod('2024-01-01', '2025-01-01'), null); // 367 days
  assert.equal(dayCount('2024-01-01', '2024-12-31'), 366);
  assert.ok(customPeriod('2024-01-01', '2024-12-31'));
});

test('charts_get_at_most_31_bars_of_days_weeks_or_months', () => {
  assert.equal(barUnit('2025-03-01', '2025-03-31'), 'day');
  assert.equal(barUnit('2024-08-01', '2024-12-31'), 'week');
  assert.equal(barUnit('2024-08-01', '2025-07-31'), 'month');
  const terms = bars('2024-08-01', '2024-12-31');
  assert.equal(terms.length, 23);
  assert.deepEqual(terms[0], { from: '2024-08-01', to: '2024-08-04' }); // cut to the span
  assert.deepEqual(terms.at(-1), { from: '2024-12-30', to: '2024-12-31' });
  const year = bars('2024-08-01', '2025-07-31');
  assert.equal(year.length, 12);
  assert.deepEqual(year[6], { from: '2025-02-01', to: '2025-02-28' });
  for (const [from, to] of [['2024-01-01', '2024-12-31'], ['2024-03-03', '2024-09-30'], ['2025-01-01', '2025-02-01']]) {
    const all = bars(from, to);
    assert.ok(all.length <= MAX_BARS, `${from}..${to}: ${all.length}`);
    assert.equal(all.reduce((n, bar) => n + dayCount(bar.from, bar.to), 0), dayCount(from, to));
  }
});
