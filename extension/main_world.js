// MAIN-world content script (run_at document_start, before the page's own scripts): wraps
// fetch, XMLHttpRequest and WebSocket generically. It knows no site: the matching rules
// arrive from the isolated content script (content.js) as plain data from the adapter table,
// and engine.js (loaded just before this file, in the same world) interprets them.
//
// For a matched request it reads only what the rule needs (the model, an image count):
// the request body is parsed and dropped; a streamed answer is read from a clone only until
// the values are known, then the clone's reader is cancelled. It keeps no prompt text and
// sends only {type: 'generation', adapter, rule, kind, count, seconds?, model?, regenerated?,
// dedupe?, late?}
// (or {type: 'observed', adapter, rule} for a matched request that counts nothing) to the
// isolated script, over a private MessagePort.
//
// The channel, and why a page can neither read it nor pre-empt it:
// - content.js (isolated world, also document_start) creates a MessageChannel and transfers
//   one port to this window with window.postMessage(offer, origin, [port]) at once, before
//   any page script can run (document_start runs before the parser has inserted any element
//   into the new document; the browser runs both of our document_start scripts, in either
//   order, before the first page script). The offer is queued behind nothing a page sent.
// - This script, also before any page script, adds a capture-phase 'message' listener on
//   window: the first listener of all, so it runs before any listener a page adds later
//   (capture listeners at the target run first, in the order they were added). It takes
//   the port from the first trusted offer (isTrusted: a page's dispatchEvent is not) and
//   stops the event there (stopImmediatePropagation), so no page listener ever sees the
//   event or its port. Then it stops listening: a later offer is a page's own port.
// - The page's scripts run in this same world and may replace any built-in afterwards
//   (MessagePort.prototype.postMessage, the MessageEvent getters, Reflect.apply ...) to
//   catch the port as `this` or an argument. So every built-in the channel uses after the
//   page has started is captured here first and called through the captured Reflect.apply.
// - The rules arrive over the port only, so the page cannot send the first rules message
//   or any other; there is no nonce on window to read, and a forged 'generation' posted to
//   window is an ordinary page message nothing listens to.
// What remains: a script that runs in this window before ours. The page being loaded cannot
// have one (its document is new and empty at document_start), but a same-origin page that
// opened this window itself (window.open) holds its initial about:blank window, which the
// browser reuses, built-ins and listeners included, for the same-origin page: it can patch
// built-ins or add listeners before we run, and so take the port (seen in Chromium 156 and
// Firefox 153; tests/test_extension_channel.py). A compromised renderer is out of scope.
// And the page owns the built-ins the interception below reads (Response.clone, stream
// readers, JSON.parse), so it can always make this script see a fake answer. For all of
// these, the background's caps (caps.js) bound what a tab can add, whatever it sends.
(() => {
  'use strict';
  // ---- the channel: the built-ins it uses, captured before any page script runs -------
  const apply = Reflect.apply;
  const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const eventData = getter(MessageEvent.prototype, 'data');
  const eventPorts = getter(MessageEvent.prototype, 'ports');
  const stopEvent = Event.prototype.stopImmediatePropagation;
  const removeListener = EventTarget.prototype.removeEventListener;
  const portPost = MessagePort.prototype.postMessage;
  const setPortHandler = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage').set;
  const CHANNEL = 'aifootprint';
  let port = null;

  function onOffer(event) {
    // isTrusted is an own, unforgeable property of the event; the rest goes through the
    // getters captured above.
    if (port || !event.isTrusted) return;
    const data = apply(eventData, event, []);
    if (!data || data.channel !== CHANNEL || data.type !== 'port') return;
    const ports = apply(eventPorts, event, []);
    if (ports.length !== 1) return;
    apply(stopEvent, event, []); // no page listener sees this event or its port
    port = ports[0];
    apply(removeListener, window, ['message', onOffer, true]);
    apply(setPortHandler, port, [onChannelMessage]);
  }
  window.addEventListener('message', onOffer, true);

  const RULES_TIMEOUT_MS = 15000;
  let rules = null; // null until the isolated script answers; [] when the site is not tracked
  let resolveRules;
  const rulesReady = new Promise((resolve) => (resolveRules = resolve));
  const giveUp = setTimeout(() => resolveRules([]), RULES_TIMEOUT_MS);

  function onChannelMessage(event) {
    const data = apply(eventData, event, []);
    if (rules !== null || !data || data.type !== 'rules') return; // the first rules message only
    rules = Array.isArray(data.rules) ? data.rules : [];
    clearTimeout(giveUp);
    resolveRules(rules);
  }

  function report(rule, event, type = 'generation') {
    if (!port) return;
    apply(portPost, port, [{ type, adapter: rule.adapter, rule: rule.id, ...event }]);
  }

  // The port is taken (above) even when the rest cannot run, so it never reaches the page.
  const engine = globalThis.AIFootprintEngine;
  delete globalThis.AIFootprintEngine; // not left for the page to find or change
  if (!engine || window.__aifootprintWrapped) return;
  Object.defineProperty(window, '__aifootprintWrapped', { value: true });

  const MAX_SCAN_BYTES = 16 * 1024 * 1024; // stop reading a clone after this much, whatever it holds
  // This page's memory: image tasks announced but not yet delivered, prompts held until
  // their model is known (engine.createMemory). Never prompt text; gone with the page.
  const memory = engine.createMemory();

  // Held prompts (a stream handed off before naming its model) are reported once their time
  // runs out, or when the page goes away, with the model the request named.
  let heldTimer = null;
  function reportExpired(now) {
    for (const { adapter, rule, event } of engine.expire(memory, now)) {
      report({ adapter, id: rule }, { ...event, late: true });
    }
  }
  function watchHeld() {
    if (heldTimer !== null || memory.held.size === 0) return;
    heldTimer = setTimeout(() => {
      heldTimer = null;
      reportExpired(Date.now());
      watchHeld();
    }, 61 * 1000);
  }
  window.addEventListener('pagehide', () => reportExpired(Infinity));

  function absolute(url) {
    try {
      return new URL(url, window.location.href).href;
    } catch {
      return '';
    }
  }

  function headersObject(headers) {
    const result = {};
    if (!headers) return result;
    new Headers(headers).forEach((value, name) => (result[name] = value));
    return result;
  }

  // A body we can read as text without disturbing the page's request; null otherwise.
  function bodyText(body) {
    if (body === undefined || body === null) return '';
    if (typeof body === 'string') return body;
    if (body instanceof URLSearchParams) return body.toString();
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return new TextDecoder().decode(body);
    return null; // FormData, Blob, streams: not read
  }

  // Before rules arrive, any non-GET request might count: watch it and decide later.
  function mightCount(method, url, transport) {
    if (rules === null) return transport === 'websocket' || method !== 'GET';
    return Boolean(engine.matchRequest(rules, method, url, transport));
  }

  async function scan(rule, facts, readChunks) {
    const scanner = engine.createScanner(rule, facts);
    if (scanner.needed) await readChunks(scanner);
    return scanner.needed ? scanner.finish() : [];
  }

  // A matched 2xx that counts nothing (a refused job, a GraphQL error) is reported as
  // 'observed', so the background's webRequest backup does not count it from the URL alone.
  function decideAndReport(rule, facts, values, status) {
    const events = engine.decide(rule, facts, values, status, memory);
    for (const event of events) report(rule, event);
    // Polls that only settle earlier tasks have no backup to claim.
    if (!events.length && engine.isSuccess(status) && !rule.settles) report(rule, {}, 'observed');
    watchHeld();
  }

  // ---- fetch -----------------------------------------------------------------------------

  async function readClone(clone, scanner) {
    if (!clone || !clone.body) return;
    const reader = clone.body.getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        scanner.push(decoder.decode(value, { stream: true }));
        if (scanner.satisfied() || bytes > MAX_SCAN_BYTES) break;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  async function observeFetch(request, clonePromise) {
    let clone = null;
    try {
      const [currentRules, body] = await Promise.all([rulesReady, request.body]);
      const cloned = await clonePromise;
      clone = cloned && cloned.clone;
      const rule = engine.matchRequest(currentRules, request.method, request.url, 'http');
      if (!rule || !cloned || !engine.isSuccess(cloned.status)) return;
      const facts = engine.requestFacts(rule, { url: request.url, headers: request.headers, body: body || '' }, memory);
      const values = await scan(rule, facts, (scanner) => readClone(clone, scanner));
      clone = null;
      decideAndReport(rule, facts, values, cloned.status);
    } finally {
      if (clone && clone.body) clone.body.cancel().catch(() => {}); // unread copies are not buffered
    }
  }

  const originalFetch = window.fetch;
  window.fetch = function fetch(input, init) {
    let request = null;
    try {
      const isRequest = input instanceof Request;
      const method = String((init && init.method) || (isRequest ? input.method : 'GET')).toUpperCase();
      const url = absolute(isRequest ? input.url : String(input));
      if (mightCount(method, url, 'http')) {
        const headers = headersObject((init && init.headers) || (isRequest ? input.headers : undefined));
        let body = Promise.resolve(bodyText(init && init.body));
        if (isRequest && !(init && 'body' in init) && method !== 'GET') body = input.clone().text().catch(() => null);
        request = { method, url, headers, body };
      }
    } catch {
      request = null; // never let counting break the page
    }
    const promise = originalFetch.apply(this, arguments);
    if (request) {
      // Registered before the page sees the promise, so the clone is taken before the page
      // can start reading the body.
      const clonePromise = promise.then(
        (response) => ({ status: response.status, clone: response.clone() }),
        () => null,
      );
      observeFetch(request, clonePromise).catch(() => {});
    }
    return promise;
  };

  // ---- XMLHttpRequest ------------------------------------------------------------------

  const xhrRequests = new WeakMap();
  const XHR = XMLHttpRequest.prototype;
  const originalOpen = XHR.open;
  const originalSetRequestHeader = XHR.setRequestHeader;
  const originalSend = XHR.send;

  function xhrResponseText(xhr) {
    if (xhr.responseType === '' || xhr.responseType === 'text') return xhr.responseText;
    if (xhr.responseType === 'json') return JSON.stringify(xhr.response);
    if (xhr.responseType === 'arraybuffer' && xhr.response) return new TextDecoder().decode(xhr.response);
    return '';
  }

  async function observeXhr(xhr, request) {
    const currentRules = await rulesReady;
    const rule = engine.matchRequest(currentRules, request.method, request.url, 'http');
    if (!rule || !engine.isSuccess(xhr.status)) return;
    const facts = engine.requestFacts(rule, { url: request.url, headers: request.headers, body: request.body || '' }, memory);
    const values = await scan(rule, facts, async (scanner) => scanner.push(xhrResponseText(xhr)));
    decideAndReport(rule, facts, values, xhr.status);
  }

  XHR.open = function open(method, url) {
    try {
      const request = { method: String(method).toUpperCase(), url: absolute(url), headers: {} };
      xhrRequests.set(this, mightCount(request.method, request.url, 'http') ? request : null);
    } catch {
      xhrRequests.delete(this);
    }
    return originalOpen.apply(this, arguments);
  };

  XHR.setRequestHeader = function setRequestHeader(name, value) {
    const request = xhrRequests.get(this);
    if (request) request.headers[String(name).toLowerCase()] = String(value);
    return originalSetRequestHeader.apply(this, arguments);
  };

  XHR.send = function send(body) {
    const request = xhrRequests.get(this);
    if (request) {
      try {
        request.body = bodyText(body);
        // The XHR keeps its full response text anyway: read it once at the end.
        this.addEventListener('loadend', () => {
          observeXhr(this, request).catch(() => {});
          xhrRequests.delete(this);
        }, { once: true });
      } catch {
        xhrRequests.delete(this);
      }
    }
    return originalSend.apply(this, arguments);
  };

  // ---- WebSocket -------------------------------------------------------------------------

  const sockets = new WeakMap(); // socket -> its rule (null: not counted)
  const OriginalWebSocket = window.WebSocket;

  async function socketRule(socket) {
    const currentRules = await rulesReady;
    return engine.matchRequest(currentRules, 'GET', socket.url, 'websocket');
  }

  function observeFrame(socket, direction, data) {
    if (typeof data !== 'string' || !sockets.has(socket)) return;
    socketRule(socket)
      .then((rule) => {
        const event = rule && engine.decideFrame(rule, direction, data, memory);
        if (event) report(rule, event);
        if (heldTimer !== null && memory.held.size === 0) {
          clearTimeout(heldTimer); // nothing left to release
          heldTimer = null;
        }
      })
      .catch(() => {});
  }

  window.WebSocket = new Proxy(OriginalWebSocket, {
    construct(target, args, newTarget) {
      const socket = Reflect.construct(target, args, newTarget);
      try {
        if (mightCount('GET', socket.url, 'websocket')) {
          sockets.set(socket, true);
          socket.addEventListener('message', (event) => observeFrame(socket, 'receive', event.data));
        }
      } catch {
        // never let counting break the page
      }
      return socket;
    },
  });

  const originalWsSend = OriginalWebSocket.prototype.send;
  OriginalWebSocket.prototype.send = function send(data) {
    observeFrame(this, 'send', data);
    return originalWsSend.apply(this, arguments);
  };
})();
