// A school's Firefox policy (3rdparty.Extensions.<gecko id>) in a real Firefox: pairs on the
// stand-in daemon's /pair page, then sends a prompt on the replica chatgpt.com and one on
// Gemini, and waits past the webRequest backup's 20 s. tests/test_managed_policy.py writes
// the policies.json (trackedSites without chatgpt, role teacher) and checks what the daemon
// got. Usage: node managed.mjs EXTENSION DAEMON_PORT SITE_PORT
import puppeteer from 'puppeteer-core';

const [extension, daemonPort, sitePort] = process.argv.slice(2);
const waitFor = async (page, selector) => page.waitForSelector(selector, { timeout: 20000 });

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  acceptInsecureCerts: true,
  extraPrefsFirefox: {
    'network.dns.localDomains': 'chatgpt.com,gemini.google.com',
    'network.dns.forceResolve': '127.0.0.1',
    'extensions.originControls.grantByDefault': true,
  },
});
try {
  await browser.installExtension(extension);
  const pair = await browser.newPage();
  await pair.goto(`http://127.0.0.1:${daemonPort}/pair`);
  await waitFor(pair, '#pairing[data-state=paired]');
  console.log('paired');
  for (const [host, call, done] of [['chatgpt.com', 'send()', 'done'], ['gemini.google.com', 'sendGemini()', 'gemini done']]) {
    const page = await browser.newPage();
    await page.goto(`https://${host}:${sitePort}/`);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the rules reach the MAIN world
    await page.evaluate(call);
    // eslint-disable-next-line no-undef -- the callback runs in the page, where document exists
    await page.waitForFunction((text) => document.getElementById('out').textContent.startsWith(text), { timeout: 10000 }, done);
    console.log(`sent on ${host}`);
  }
  // Long enough for an unclaimed webRequest backup to be counted (chatgpt's must not be).
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SETTLE_MS || 24000)));
} finally {
  await browser.close();
}
