// Drives a real Firefox with the extension as a temporary add-on and no pairing step: the
// extension must pair itself through the native messaging host that `aifootprint
// pair-browser` registered in $HOME/.mozilla/native-messaging-hosts, then one prompt on the
// replica chatgpt.com reaches the real daemon. Run by tests/test_extension_firefox.py.
// Usage: node native.mjs EXTENSION SITE_PORT
import puppeteer from 'puppeteer-core';

const [extension, sitePort] = process.argv.slice(2);

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  acceptInsecureCerts: true,
  extraPrefsFirefox: {
    'network.dns.localDomains': 'chatgpt.com',
    'network.dns.forceResolve': '127.0.0.1',
    'extensions.originControls.grantByDefault': true,
  },
});
try {
  await browser.installExtension(extension);
  const chat = await browser.newPage();
  await chat.goto(`https://chatgpt.com:${sitePort}/`);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // rules reach the MAIN world
  await chat.evaluate('send()');
  // eslint-disable-next-line no-undef -- the callback runs in the page, where document exists
  await chat.waitForFunction(() => document.getElementById('out').textContent.startsWith('done'), { timeout: 10000 });
  console.log('sent');
  // The Python side polls the daemon; keep the browser open until it has the prompt.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SETTLE_MS || 8000)));
} finally {
  await browser.close();
}
