// `web-ext lint` (Mozilla's addons-linter) finds no errors in extension/ as it is.
// The one expected warning: Firefox ignores background.service_worker (Chromium uses it).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

const EXTENSION = path.join(import.meta.dirname, '..', '..', 'extension');
let webExt = null;
try {
  webExt = (await import('web-ext')).default;
} catch {
  webExt = null; // the dev tools are not installed (npm ci)
}

test('web_ext_lint_finds_no_errors', { skip: !webExt && 'web-ext is not installed' }, async () => {
  const result = await webExt.cmd.lint(
    { sourceDir: EXTENSION, output: 'json', boring: true },
    { shouldExitProgram: false },
  );
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings.map((w) => w.code), ['MANIFEST_FIELD_UNSUPPORTED']);
});
