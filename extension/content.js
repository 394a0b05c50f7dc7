// Isolated-world content script on the AI sites: the bridge between the MAIN-world
// interceptor (main_world.js, which cannot reach extension APIs) and the background.
//
// 1. Asks the background for this site's matching rules (plain data from the adapter
//    table) and hands them to the MAIN world with a fresh per-page nonce:
//      {channel: 'aifootprint', type: 'rules', nonce, rules}
// 2. Forwards the MAIN world's small events to the background, only when they come from
//    this window (event.source === window) and carry that nonce:
//      {channel: 'aifootprint', type: 'generation', nonce, adapter, rule, kind, count,
//       seconds?, model?, regenerated?, dedupe?, late?}
//    and {channel, type: 'observed', nonce, adapter, rule} for a matched request that
//    counts nothing (it only stops the webRequest backup from counting it).
//    The background takes the site from the sender's URL, never from the message.
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const CHANNEL = 'aifootprint';
  const nonce = crypto.randomUUID();
  const FIELDS = ['adapter', 'rule', 'kind', 'count', 'seconds', 'model', 'regenerated', 'dedupe', 'late'];

  window.addEventListener('message', (event) => {
    if (event.source !== window) return;
    const data = event.data;
    if (!data || data.channel !== CHANNEL || data.nonce !== nonce) return;
    if (data.type !== 'generation' && data.type !== 'observed') return;
    const message = { type: data.type };
    for (const field of FIELDS) if (data[field] !== undefined) message[field] = data[field];
    api.runtime.sendMessage(message).catch(() => {});
  });

  api.runtime
    .sendMessage({ type: 'rules', host: location.hostname })
    .then((reply) => {
      const rules = (reply && reply.rules) || [];
      window.postMessage({ channel: CHANNEL, type: 'rules', nonce, rules }, location.origin);
    })
    .catch(() => {});
})();
