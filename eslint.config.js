// ESLint for the JavaScript that has no build step: the extension, the dashboard and the
// teacher page scripts, and the Node tests. Run with `npx eslint .` (scripts/test.sh does).
// eslint's recommended rules catch undefined globals and dead code; the `globals` package
// says which globals each folder may use.
import js from '@eslint/js';
import globals from 'globals';

// Where each kind of script lives. When a folder moves, change it here only.
const EXTENSION = ['extension/**/*.js'];
// The extension's classic (non-module) scripts: the content scripts, and engine.js, which
// the MAIN-world content script loads before main_world.js (see extension/manifest.json).
const EXTENSION_CLASSIC = [
  'extension/content.js',
  'extension/engine.js',
  'extension/main_world.js',
  'extension/pair.js',
];
// The dashboard's and the teacher page's ES modules; the second glob is where they will
// live after daemon/aifootprint/ moves to src/aifootprint/ (daemon/server/static/ and
// aggregator/static/).
const PAGE_STATIC = [
  'daemon/aifootprint/static/*.js',
  'daemon/aifootprint/aggregator/static/*.js',
  'src/aifootprint/**/static/*.js',
];
const NODE_TESTS = [
  'tests/extension/**/*.{js,mjs}',
  'tests/e2e/**/*.{js,mjs}',
];
// The replica AI pages' shared script and the hostile page script of the channel test run
// in the browser as classic <script>s.
const E2E_PAGE_SCRIPTS = ['tests/e2e/replica/pages/**/*.js', 'tests/extension/pages/**/*.js'];
const TOOLING = ['eslint.config.js'];

const recommended = js.configs.recommended.rules;

export default [
  {
    // Generated or installed files (node_modules/ is ignored by default).
    ignores: ['build/', 'dist/', '.venv/', 'tests/artifacts/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: EXTENSION,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.webextensions },
    },
    rules: recommended,
  },
  {
    files: EXTENSION_CLASSIC,
    languageOptions: { sourceType: 'script' },
  },
  {
    files: PAGE_STATIC,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: globals.browser,
    },
    rules: recommended,
  },
  {
    files: [...NODE_TESTS, ...TOOLING],
    ignores: E2E_PAGE_SCRIPTS,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: globals.node,
    },
    rules: recommended,
  },
  {
    files: E2E_PAGE_SCRIPTS,
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'script',
      globals: globals.browser,
    },
    rules: recommended,
  },
];
