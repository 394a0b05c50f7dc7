// Whose pause and label win when the extension meets the daemon again: the later change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcile } from '../../extension/shared_settings.js';
import { parseEvents } from '../../extension/live.js';

const at = (iso) => Date.parse(iso);
const daemon = (fields) => ({ paused: false, label: null, paused_changed_at: null, label_changed_at: null, ...fields });

test('a pause made offline after the daemon last changed goes to the daemon', () => {
  const local = { paused: true, label: '', changedAt: { paused: at('2026-12-01T10:05:00Z') } };
  const { push, adopt } = reconcile(local, daemon({ paused_changed_at: '2026-12-01T10:00:00.000+00:00' }));
  assert.deepEqual(push, { paused: true });
  assert.equal(adopt.paused, undefined);
});

test('a later change in the dashboard or tray wins over an earlier one made offline', () => {
  const local = { paused: true, label: 'study', changedAt: { paused: at('2026-12-01T10:00:00Z'), label: at('2026-12-01T10:00:00Z') } };
  const remote = daemon({ paused_changed_at: '2026-12-01T10:01:00.000+00:00', label: 'homework', label_changed_at: '2026-12-01T10:02:00.000+00:00' });
  const { push, adopt } = reconcile(local, remote);
  assert.deepEqual(push, {});
  assert.equal(adopt.paused, false);
  assert.equal(adopt.label, 'homework');
  assert.equal(adopt.changedAt.label, at('2026-12-01T10:02:00Z'));
});

test('the same values change nothing; no label is the same as null', () => {
  assert.deepEqual(reconcile({ paused: false, label: '', changedAt: {} }, daemon({})), { push: {}, adopt: { changedAt: {} } });
});

test("a school's preset label goes to a daemon that never had one, not over the user's choice", () => {
  assert.deepEqual(reconcile({ paused: false, label: 'homework', changedAt: {} }, daemon({})).push, { label: 'homework' });
  const chosen = daemon({ label: null, label_changed_at: '2026-12-01T09:00:00.000+00:00' });
  assert.equal(reconcile({ paused: false, label: 'homework', changedAt: {} }, chosen).adopt.label, '');
});

test('the live stream: each changed event once, a heartbeat nothing, a split event kept', () => {
  let changes = 0;
  const rest = parseEvents('retry: 2000\nevent: changed\ndata: {"version": 0}\n\n: alive\n\nevent: chan', () => changes++);
  assert.equal(changes, 1);
  assert.equal(parseEvents(`${rest}ged\ndata: {"version": 1}\n\n`, () => changes++), '');
  assert.equal(changes, 2);
});
