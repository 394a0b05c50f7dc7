// A hostile script on a tracked site (served by tests/extension_servers.py as /hostile.js,
// the first script of the replica chatgpt.com page /hostile): it tries to find the channel
// between the extension's MAIN-world script and its content script, and forges counts.
// (a) it listens for every window message (capture and bubble, onmessage, document) and
//     keeps any port, nonce, rules or offer it sees; and it offers ports of its own, as the
//     extension's offer looks, to be taken instead of the real one;
// (b) forge() posts 3,000 `generation` messages in every shape the old nonce protocol
//     accepted (with every nonce it found, and without), plus rules and observed ones;
// (c) as the first script of the page it wraps, before anything else of the page runs,
//     every built-in the channel could use: postMessage, addEventListener, the MessagePort
//     and MessageEvent methods and getters, stopImmediatePropagation, Reflect.apply.
// What it found is in window.hostileFound, for the test to read.
// prepareWindow() shows what remains: a window this page opens itself (same origin) can be
// prepared before the extension's scripts run in it; it steals that window's port and
// forges over it, and the background's caps must bound what is stored.
(() => {
  'use strict';
  const found = {
    ports: 0, nonces: [], offers: 0, rules: 0, foreign: 0, reports: 0, messages: 0, wrapped: 0, forged: 0, stolen: 0,
  };
  window.hostileFound = found;
  const ports = new Set();
  const own = new WeakSet(); // ports this page made itself
  const keep = (value) => {
    if (value instanceof MessagePort && !own.has(value) && !ports.has(value)) {
      ports.add(value);
      found.ports = ports.size;
    }
  };
  const inspect = (data) => {
    if (!data || typeof data !== 'object') return;
    if (data.forgedBy === 'hostile') return; // its own forgeries
    if (typeof data.nonce === 'string' && data.nonce && !found.nonces.includes(data.nonce)) found.nonces.push(data.nonce);
    if (data.type === 'port') found.offers++;
    if (data.type === 'rules') found.rules++;
    if (data.channel === 'aifootprint' || data.type === 'generation' || data.type === 'observed') found.foreign++;
    for (const value of Object.values(data)) keep(value);
  };
  const mine = (data) => Boolean(data && data.forgedBy === 'hostile');
  const onMessage = (event) => {
    found.messages++;
    if (mine(event.data)) return; // its own offer comes back with a new port object
    inspect(event.data);
    for (const port of event.ports || []) keep(port);
  };

  // (c) Wrap first, so every later use by anyone in this world goes through the wrappers.
  const wrap = (object, name, make) => {
    const descriptor = Object.getOwnPropertyDescriptor(object, name);
    if (!descriptor) return;
    Object.defineProperty(object, name, make(descriptor));
    found.wrapped++;
  };
  const watchCall = (descriptor) => ({
    ...descriptor,
    value(...args) {
      keep(this);
      args.forEach(keep);
      if (args[0] && typeof args[0] === 'object') inspect(args[0]);
      (args[2] || []).forEach?.(keep);
      return descriptor.value.apply(this, args);
    },
  });
  const watchGet = (descriptor) => ({
    ...descriptor,
    get() {
      const value = descriptor.get.call(this);
      keep(this);
      if (this instanceof MessageEvent && this.target instanceof MessagePort) keep(this.target);
      (Array.isArray(value) ? value : [value]).forEach(keep);
      return value;
    },
    set: descriptor.set && function (value) {
      keep(this);
      return descriptor.set.call(this, value);
    },
  });
  wrap(Object.getOwnPropertyDescriptor(window, 'postMessage') ? window : Window.prototype, 'postMessage', watchCall);
  wrap(EventTarget.prototype, 'addEventListener', watchCall);
  wrap(EventTarget.prototype, 'removeEventListener', watchCall);
  wrap(EventTarget.prototype, 'dispatchEvent', watchCall);
  wrap(MessagePort.prototype, 'postMessage', watchCall);
  wrap(MessagePort.prototype, 'start', watchCall);
  wrap(MessagePort.prototype, 'onmessage', watchGet);
  wrap(MessageEvent.prototype, 'data', watchGet);
  wrap(MessageEvent.prototype, 'ports', watchGet);
  wrap(MessageEvent.prototype, 'source', watchGet);
  wrap(Event.prototype, 'stopImmediatePropagation', watchCall);
  wrap(Event.prototype, 'stopPropagation', watchCall);
  const originalApply = Reflect.apply;
  Reflect.apply = function apply(target, self, args) {
    keep(self);
    [...(args || [])].forEach(keep);
    return originalApply(target, self, args);
  };
  found.wrapped++;

  // (a) Every window message, every way a page can listen.
  window.addEventListener('message', onMessage, true);
  window.addEventListener('message', onMessage);
  window.onmessage = onMessage;
  document.addEventListener('message', onMessage, true);

  // (b) Every shape the old protocol accepted: channel 'aifootprint', type, the nonce (every
  // one found, a guess, none), the rule's fields; a rules message to pre-empt the real one.
  const post = window.postMessage.bind(window);
  function shapes() {
    const nonces = [...found.nonces, 'guessed', '', undefined];
    const fields = { adapter: 'chatgpt', rule: 'conversation', forgedBy: 'hostile' };
    return nonces.flatMap((nonce) => [
      { channel: 'aifootprint', type: 'generation', nonce, ...fields, kind: 'image', count: 1000, model: 'FORGED <model>' },
      { channel: 'aifootprint', type: 'generation', nonce, ...fields, kind: 'prompt', count: 1, model: 'forged-model' },
      { channel: 'aifootprint', type: 'generation', nonce, ...fields, kind: 'prompt', count: 1, regenerated: true },
      { channel: 'aifootprint', type: 'observed', nonce, ...fields },
      { type: 'generation', nonce, ...fields, kind: 'image', count: 4 },
    ]);
  }
  window.forge = (total = 3000) => {
    const all = shapes();
    for (let i = 0; i < total; i++) {
      const message = all[i % all.length];
      if (i % 2) post(message, location.origin);
      else window.dispatchEvent(new MessageEvent('message', { data: message, source: window, origin: location.origin }));
      for (const port of ports) port.postMessage(message); // any port it found, too
      found.forged++;
    }
    return found;
  };
  // Before the extension's offer is delivered: offers of its own (one dispatched at once, one
  // posted), whose ports count what the MAIN world would report to them; a rules message of
  // its own, and a first volley.
  for (const send of ['dispatch', 'post']) {
    const channel = new MessageChannel();
    own.add(channel.port1);
    own.add(channel.port2);
    channel.port1.onmessage = (event) => mine(event.data) || found.reports++;
    const offer = { channel: 'aifootprint', type: 'port', forgedBy: 'hostile' };
    if (send === 'post') post(offer, location.origin, [channel.port2]);
    else window.dispatchEvent(new MessageEvent('message', { data: offer, ports: [channel.port2], source: window }));
  }
  post({ channel: 'aifootprint', type: 'rules', nonce: 'hostile', rules: [], forgedBy: 'hostile' }, location.origin);
  window.forge(50);

  // What remains (see extension/main_world.js): a same-origin window this page opens itself.
  // Its initial about:blank window is reused for the page, built-ins and listeners included,
  // so what is patched here now is in place before the extension's scripts run there.
  window.prepareWindow = (url) => {
    const opened = window.open(url, 'prepared');
    const stolen = [];
    const getter = Object.getOwnPropertyDescriptor(opened.MessageEvent.prototype, 'ports');
    Object.defineProperty(opened.MessageEvent.prototype, 'ports', {
      ...getter,
      get() {
        const value = getter.get.call(this);
        for (const port of value) if (!stolen.includes(port)) stolen.push(port);
        found.stolen = stolen.length;
        return value;
      },
    });
    window.forgeStolen = (total = 3000) => {
      const forged = [
        { type: 'generation', adapter: 'chatgpt', rule: 'conversation', kind: 'image', count: 1000, model: 'FORGED <model>' },
        { type: 'generation', adapter: 'chatgpt', rule: 'conversation', kind: 'prompt', count: 1, model: 'forged model' },
      ];
      for (let i = 0; i < total; i++) for (const port of stolen) port.postMessage(forged[i % 2]);
      return stolen.length;
    };
    return true;
  };
})();
