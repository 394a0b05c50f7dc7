// Isolated-world content script on the AI sites: the bridge between the MAIN-world
// interceptor (main_world.js, which cannot reach extension APIs) and the background.
//
// 1. At once (document_start), before any page script can run: creates a MessageChannel,
//    keeps port1 and transfers port2 to the MAIN world with
//      window.postMessage({channel: 'aifootprint', type: 'port'}, origin, [port2]).
// 2. Asks the background for this site's matching rules (plain data from the adapter
//    table) and sends them over port1: {type: 'rules', rules}.
// 3. Forwards what arrives on port1 to the background, field by field:
//      {type: 'generation', adapter, rule, kind, count, seconds?, model?, regenerated?,
//       dedupe?, late?}
//    and {type: 'observed', adapter, rule} for a matched request that counts nothing (it
//    only stops the webRequest backup from counting it). Nothing else is listened to: a
//    message a page posts to window never reaches this script.
//    The background takes the site and tab from the sender, never from the message, and
//    caps what any tab can add (caps.js): it trusts no content script further than that.
//
// Why a page cannot read or pre-empt the channel:
// - The offer is posted while no page script exists yet: both content scripts run at
//   document_start, in either order, before the parser has inserted any element (hence any
//   script) into the document; so nothing a page posts can be queued before it.
// - main_world.js adds its capture-phase 'message' listener at document_start too, so it is
//   the first listener on window when the offer is delivered: it takes the port, stops the
//   event there and stops listening (see the comment at its top). No page listener sees
//   the event, and port1 lives only here, in a world page scripts cannot reach.
// - Only when this script runs late (Firefox injects content scripts into tabs already open
//   when the extension is installed or updated: page scripts have run and may listen) is
//   no port offered: the MAIN world then counts nothing in that tab until it is reloaded,
//   and the background's webRequest backup still counts its requests.
// - What remains: a same-origin page that opened this window itself can run code in it
//   before document_start (main_world.js says how); a compromised renderer is out of scope.
//   The caps in the background bound both.
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  const CHANNEL = 'aifootprint';
  const FIELDS = ['adapter', 'rule', 'kind', 'count', 'seconds', 'model', 'regenerated', 'dedupe', 'late'];
  const root = document.documentElement;
  // No element in the document yet, so no page script has run (see above).
  if (document.readyState !== 'loading' || (root && root.childElementCount > 0)) return;

  const { port1: port, port2 } = new MessageChannel();
  window.postMessage({ channel: CHANNEL, type: 'port' }, location.origin, [port2]);

  port.onmessage = (event) => {
    const data = event.data;
    if (!data || (data.type !== 'generation' && data.type !== 'observed')) return;
    const message = { type: data.type };
    for (const field of FIELDS) if (data[field] !== undefined) message[field] = data[field];
    api.runtime.sendMessage(message).catch(() => {});
  };

  api.runtime
    .sendMessage({ type: 'rules', host: location.hostname })
    .then((reply) => port.postMessage({ type: 'rules', rules: (reply && reply.rules) || [] }))
    .catch(() => {});
})();
