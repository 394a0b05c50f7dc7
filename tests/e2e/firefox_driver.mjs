// Drives a headless firefox-esr with the extension installed as a temporary add-on, for
// browser.py's FirefoxSession: reads one JSON command per line on stdin
// ({id, op, args}), answers one JSON line on stdout ({id, result} or {id, error}).
// argv[2] is a JSON config: firefox, extension, profile, hosts, uuids.
import readline from 'node:readline';
import puppeteer from 'puppeteer-core';

const config = JSON.parse(process.argv[2]);
const pages = new Map();
let nextPage = 0;

const browser = await puppeteer.launch({
  browser: 'firefox', executablePath: config.firefox, headless: true,
  acceptInsecureCerts: true, userDataDir: config.profile,
  // WebDriver may open moz-extension:// pages (the popup) only with system access.
  args: ['--remote-allow-system-access'],
  extraPrefsFirefox: {
    'network.dns.localDomains': config.hosts.join(','),  // the replica hosts
    'network.dns.forceResolve': '127.0.0.1',
    'extensions.originControls.grantByDefault': true,     // MV3 host permissions
    'extensions.webextensions.uuids': JSON.stringify(config.uuids),
    // A temporary add-on is uninstalled when Firefox quits; keep its storage and UUID, as
    // an installed add-on keeps them, so a browser restart can be tested.
    'extensions.webextensions.keepStorageOnUninstall': true,
    'extensions.webextensions.keepUuidOnUninstall': true,
  },
});
await browser.installExtension(config.extension);

const ops = {
  ready: async () => true,
  newPage: async () => {
    const page = await browser.newPage();
    pages.set(++nextPage, page);
    return nextPage;
  },
  goto: async (handle, url) => {
    const page = pages.get(handle);
    if (!url.startsWith('moz-extension:')) return void await page.goto(url);
    // Firefox loads extension pages in another process; puppeteer never sees their load
    // event, so navigate without waiting and watch the document instead.
    page.goto(url).catch(() => {});
    await page.waitForFunction(
      "location.protocol === 'moz-extension:' && document.readyState === 'complete'",
      {polling: 100, timeout: 30000});
  },
  fill: async (handle, selector, text) => { await pages.get(handle).locator(selector).fill(text); },
  click: async (handle, selector) => { await pages.get(handle).click(selector); },
  evaluate: async (handle, expression) => pages.get(handle).evaluate(expression),
  waitForFunction: async (handle, expression, timeout) => {
    await pages.get(handle).waitForFunction(expression, {timeout, polling: 100});
  },
  screenshot: async (handle, path) => {
    await (await pages.get(handle).$('body')).screenshot({path});
  },
  closePage: async (handle) => { await pages.get(handle).close(); pages.delete(handle); },
  close: async () => { await browser.close(); },
};

for await (const line of readline.createInterface({input: process.stdin})) {
  const {id, op, args} = JSON.parse(line);
  try {
    const result = await ops[op](...args);
    process.stdout.write(JSON.stringify({id, result: result ?? null}) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({id, error: String(error.stack || error)}) + '\n');
  }
  if (op === 'close') break;
}
