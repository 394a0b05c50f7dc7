// Content script on the daemon's /pair page (http://127.0.0.1:PORT/pair, localhost too).
// The page holds <main id="pairing" data-url data-token data-state="waiting">; this script
// hands url and token to the background, which checks them (GET /api/v1/summary) and
// stores them, then sets data-state to "paired" or "failed" (the page shows the matching text).
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

  // Only the daemon's own page may pair: the URL it names must be this page's own server.
  function sameServer(url) {
    try {
      const target = new URL(url);
      return target.protocol === 'http:' && LOOPBACK.includes(target.hostname) && target.port === location.port;
    } catch {
      return false;
    }
  }

  async function pair() {
    const main = document.getElementById('pairing');
    if (!main) return;
    const { url, token } = main.dataset;
    if (!url || !token || !sameServer(url)) {
      main.dataset.state = 'failed';
      return;
    }
    try {
      const result = await api.runtime.sendMessage({ type: 'pair', url, token });
      main.dataset.state = result && result.state === 'connected' ? 'paired' : 'failed';
    } catch {
      main.dataset.state = 'failed';
    }
  }

  pair();
})();
