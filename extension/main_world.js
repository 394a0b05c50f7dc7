// MAIN-world content script (run_at document_start, before the page's own scripts): wraps
// fetch, XMLHttpRequest and WebSocket generically. It knows no site: the matching rules
// arrive from the isolated content script (content.js) as plain data from the adapter table,
// and engine.js (loaded just before this file, in the same world) interprets them.
//
// For a matched request it reads only what the rule needs (the model, an image count):
// the request body is parsed and dropped; a streamed answer is read from a clone only until
// the values are known, then the clone's reader is cancelled. It keeps no prompt text and
// posts only {adapter, rule, kind, count, seconds?, model?, regenerated?, dedupe?, late?} to the isolated
// script (or {adapter, rule} as 'observed' for a matched request that counts nothing),
// tagged with the nonce that came with the rules.
(() => {
  'use strict';
  const engine = globalThis.AIFootprintEngine;
  delete globalThis.AIFootprintEngine; // not left for the page to find or change
  if (!engine || window.__aifootprintWrapped) return;
  Object.defineProperty(window, '__aifootprintWrapped', { value: true });

  const CHANNEL = 'aifootprint';
  const RULES_TIMEOUT_MS = 15000;
  const MAX_SCAN_BYTES = 16 * 1024 * 1024; // stop reading a clone after this much, whatever it holds
  let nonce = null;
  let rules = null; // null until the isolated script answers; [] when the site is not tracked
  let resolveRules;
  const rulesReady = new Promise((resolve) => (resolveRules = resolve));
  const giveUp = setTimeout(() => resolveRules([]), RULES_TIMEOUT_MS);
  // This page's memory: image tasks announced but not yet delivered, prompts held until
  // their model is known (engine.createMemory). Never prompt text; gone with the page.
  const memory = engine.createMemory();

  window.addEventListener('message', (event) => {
    if (event.source !== window || nonce !== null) return;
    const data = event.data;
    if (!data || data.channel !== CHANNEL || data.type !== 'rules' || typeof data.nonce !== 'string') return;
    nonce = data.nonce; // the first rules message wins; later ones are ignored
    rules = Array.isArray(data.rules) ? data.rules : [];
    clearTimeout(giveUp);
    resolveRules(rules);
  });

  function report(rule, event, type = 'generation') {
    if (nonce === null) return;
    // A released (late) event names the rule that held it.
    const message = { channel: CHANNEL, type, nonce, adapter: rule.adapter, rule: rule.id, ...event };
    window.postMessage(message, window.location.origin);
  }

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
