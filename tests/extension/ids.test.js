import assert from 'node:assert/strict';
import test from 'node:test';

import { timeOrderedUUID } from '../../extension/ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('ids_are_uuid_version_7_with_the_rfc_variant', () => {
  for (let i = 0; i < 200; i += 1) assert.match(timeOrderedUUID(), UUID_V7);
});

test('ids_start_with_the_milliseconds_so_later_ids_sort_later', () => {
  const zeros = new Uint8Array(10);
  assert.equal(timeOrderedUUID(0x0192f3a4b5c6, zeros), '0192f3a4-b5c6-7000-8000-000000000000');
  const earlier = timeOrderedUUID(Date.parse('2026-11-29T08:00:00Z'));
  const later = timeOrderedUUID(Date.parse('2026-11-29T08:00:00.002Z'));
  assert.ok(earlier < later);
});

test('ids_differ_within_one_millisecond', () => {
  const now = Date.now();
  const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedUUID(now)));
  assert.equal(ids.size, 1000);
});
