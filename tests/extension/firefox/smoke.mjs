// Drives a real Firefox (firefox-esr, WebDriver BiDi, no download) with the extension as a
// temporary add-on: pairs on the stand-in daemon's /pair page and sends one prompt on the
// replica chatgpt.com, one on Gemini (XHR) and Copilot (WebSocket), then one from a frame
// only the webRequest backup sees. Run by tests/test_extension_firefox.py, which starts the servers and
// checks what the daemon received. Usage: node smoke.mjs EXTENSION DAEMON_PORT SITE_PORT
import puppeteer from 'puppeteer-core';

const [extension, daemonPort, sitePort] = process.argv.slice(2);
const waitFor = async (page, selector) => page.waitForSelector(selector, { timeout: 20000 });

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  acceptInsecureCerts: true,
  extraPrefsFirefox: {
    'network.dns.localDomains': 'chatgpt.com,gemini.google.com,copilot.microsoft.com',
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
  const chat = await browser.newPage();
  await chat.goto(`https://chatgpt.com:${sitePort}/`);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // rules reach the MAIN world
  await chat.evaluate('send()');
  await waitFor(chat, '#out');
  // eslint-disable-next-line no-undef -- the callback runs in the page, where document exists
  await chat.waitForFunction(() => document.getElementById('out').textContent.startsWith('done'), { timeout: 10000 });
  console.log('sent');
  // Gemini's XHR and Copilot's WebSocket through Firefox's own objects.
  for (const [host, call, done] of [['gemini.google.com', 'sendGemini()', 'gemini done'], ['copilot.microsoft.com', 'sendCopilot()', 'copilot done']]) {
    const page = await browser.newPage();
    await page.goto(`https://${host}:${sitePort}/`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await page.evaluate(call);
    // eslint-disable-next-line no-undef -- the callback runs in the page, where document exists
    await page.waitForFunction((text) => document.getElementById('out').textContent === text, { timeout: 10000 }, done);
  }
  // A fetch from an about:blank frame is not wrapped: only the webRequest backup sees it.
  await chat.evaluate('sendFromFrame()');
  // eslint-disable-next-line no-undef -- the callback runs in the page, where document exists
  await chat.waitForFunction(() => document.getElementById('out').textContent === 'frame done', { timeout: 10000 });
  // Long enough for an unclaimed webRequest backup to be counted (it must not be).
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SETTLE_MS || 24000)));
} finally {
  await browser.close();
}
