// Drives a real Firefox (firefox-esr, WebDriver BiDi, no download) with the extension as a
// temporary add-on: pairs on the stand-in daemon's /pair page, opens the replica chatgpt.com
// page whose first script is hostile (tests/extension/pages/hostile.js), lets it forge 3,000
// messages, then sends one real prompt. A second hostile page is open before the extension
// is installed: Firefox injects the content scripts into it late, after its scripts ran, so
// no port may be offered there. Prints what both hostile scripts found as JSON on the last
// line; tests/test_extension_channel.py checks it and what the daemon received.
// With `prepared`, instead: the hostile page opens a same-origin window it prepared, steals
// that window's port and forges 3,000 messages over it; prints how many ports it stole, and
// keeps the browser open until a line arrives on stdin (the test has seen the daemon settle).
// Usage: node hostile.mjs EXTENSION DAEMON_PORT SITE_PORT [prepared]
import puppeteer from 'puppeteer-core';

const [extension, daemonPort, sitePort, mode] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  acceptInsecureCerts: true,
  extraPrefsFirefox: {
    'network.dns.localDomains': 'chatgpt.com',
    'network.dns.forceResolve': '127.0.0.1',
    'extensions.originControls.grantByDefault': true,
    'dom.disable_open_during_load': false, // window.open from evaluate()
  },
});
async function prepared() {
  const opener = await browser.newPage();
  await opener.goto(`https://chatgpt.com:${sitePort}/hostile`);
  await opener.evaluate("prepareWindow('/?prepared')");
  await sleep(2000); // the prepared window loads; the extension's scripts run in it
  const stolen = await opener.evaluate('hostileFound.stolen');
  await opener.evaluate('forgeStolen(3000)');
  console.log(JSON.stringify({ stolen }));
  await new Promise((resolve) => process.stdin.once('data', resolve)); // the background works
  process.stdin.pause();
}

async function pair() {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${daemonPort}/pair`);
  await page.waitForSelector('#pairing[data-state=paired]', { timeout: 20000 });
}

async function hostile() {
  const late = await browser.newPage();
  await late.goto(`https://chatgpt.com:${sitePort}/hostile`);
  await browser.installExtension(extension);
  await pair();
  const chat = await browser.newPage();
  await chat.goto(`https://chatgpt.com:${sitePort}/hostile`);
  await sleep(1000); // the real rules arrive
  await chat.evaluate('forge(3000)');
  await sleep(1000);
  await chat.evaluate('send()');
  // eslint-disable-next-line no-undef -- the callback runs in the page, where document exists
  await chat.waitForFunction(() => document.getElementById('out').textContent.startsWith('done'), { timeout: 10000 });
  await sleep(Number(process.env.SETTLE_MS || 4000)); // delivered, and would anything follow?
  await late.evaluate('forge(3000)');
  await sleep(1000);
  const found = await chat.evaluate('hostileFound');
  const lateFound = await late.evaluate('hostileFound');
  // Did the extension run in the late page at all? (Its MAIN world marks the window.)
  const lateInjected = await late.evaluate('Boolean(window.__aifootprintWrapped)');
  console.log(JSON.stringify({ found, late: lateFound, lateInjected }));
}

try {
  if (mode === 'prepared') {
    await browser.installExtension(extension);
    await pair();
    await prepared();
  } else {
    await hostile();
  }
} finally {
  await browser.close();
}
