// The real content scripts (engine.js + main_world.js, and content.js) in a Node vm that
// plays the page: a window with postMessage (a trusted message event, with its transferred
// ports), Node's own MessageChannel, and page-side fetch, XMLHttpRequest and WebSocket
// stand-ins. Checks what the page sees is unchanged, what is reported, and that what a page
// posts to window never reaches the background. (Both worlds share this one context; the
// real browsers' worlds are tested in tests/test_extension_channel.py.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import vm from 'node:vm';
import '../../extension/engine.js';
import { ADAPTERS } from '../../extension/registry.js';

const EXTENSION = path.join(import.meta.dirname, '..', '..', 'extension');
const source = (name) => fs.readFileSync(path.join(EXTENSION, name), 'utf8');
const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));
const encoder = new TextEncoder();

class FakeXhr {
  constructor() {
    this.listeners = {};
    this.responseType = '';
  }
  open(method, url) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader() {}
  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }
  send() {
    setTimeout(() => {
      Object.assign(this, window_.xhrAnswer);
      (this.listeners.loadend || []).forEach((listener) => listener());
    }, 5);
  }
}

class FakeSocket {
  constructor(url) {
    this.url = url;
    this.sent = [];
    this.listeners = [];
    window_.sockets.push(this);
  }
  addEventListener(type, listener) {
    if (type === 'message') this.listeners.push(listener);
  }
  send(data) {
    this.sent.push(data);
  }
  receive(data) {
    this.listeners.forEach((listener) => listener({ data }));
  }
}

let window_ = null;
const ports = []; // every port a content script made, closed at the end (they hold Node open)
after(() => ports.forEach((port) => port.close()));

class TrackedChannel extends MessageChannel {
  constructor() {
    super();
    ports.push(this.port1, this.port2);
  }
}

// A page at `origin` with the three content scripts injected, like the manifest does.
function page(origin, { answer }) {
  const target = new EventTarget();
  const forwarded = [];
  // window's EventTarget methods, for main_world.js's captured removeEventListener.
  class WindowEventTarget {
    addEventListener(...args) {
      target.addEventListener(...args);
    }
    removeEventListener(...args) {
      target.removeEventListener(...args);
    }
  }
  const context = {
    URL, Headers, Request, Response, ReadableStream, TextDecoder, TextEncoder, URLSearchParams,
    ArrayBuffer, Promise, setTimeout, clearTimeout, console, crypto, structuredClone,
    Event, MessageEvent, MessagePort, MessageChannel: TrackedChannel, EventTarget: WindowEventTarget,
    location: { href: `${origin}/`, origin, hostname: new URL(origin).hostname },
    document: { readyState: 'loading', documentElement: { childElementCount: 0 } },
    addEventListener: (type, listener, options) => target.addEventListener(type, listener, options),
    dispatchEvent: (event) => target.dispatchEvent(event),
    xhrAnswer: null,
    sockets: [],
    XMLHttpRequest: FakeXhr,
    WebSocket: FakeSocket,
    fetch: async (input, init) => answer(input, init),
    chrome: {
      runtime: {
        async sendMessage(message) {
          if (message.type === 'rules') return { rules: globalThis.AIFootprintEngine.rulesFor(ADAPTERS, message.host) };
          forwarded.push(JSON.parse(JSON.stringify(message))); // plain objects of this realm
          return { ok: true };
        },
      },
    },
  };
  vm.createContext(context);
  // Inside the context the global is a proxy, not `context` itself: use it as the window.
  const inner = vm.runInContext('globalThis', context);
  context.window = inner;
  // As a browser does: a trusted event, one task later, with the transferred ports.
  context.postMessage = (data, targetOrigin, transfer = []) => {
    const copy = structuredClone(data);
    setTimeout(() => {
      const event = new MessageEvent('message', { data: copy, ports: transfer, origin });
      Object.defineProperty(event, 'isTrusted', { value: true });
      target.dispatchEvent(event);
    }, 0);
  };
  window_ = context;
  for (const name of ['engine.js', 'main_world.js', 'content.js']) vm.runInContext(source(name), context, { filename: name });
  return { window: context, forwarded };
}

function sse(objects) {
  return objects.map((object) => `data: ${JSON.stringify(object)}\n\n`).join('');
}

const CHATGPT_URL = 'https://chatgpt.com/backend-api/f/conversation';
const modelChunk = { v: { message: { author: { role: 'assistant' }, metadata: { resolved_model_slug: 'gpt-5' } } } };

test('interceptor_counts_a_chatgpt_prompt_and_the_page_gets_the_whole_stream', async () => {
  const body = sse([modelChunk, { v: 'Plants' }, { v: ' grow' }]) + 'data: [DONE]\n\n';
  const { window, forwarded } = page('https://chatgpt.com', {
    answer: () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
  await tick();
  const response = await window.fetch(CHATGPT_URL, { method: 'POST', body: JSON.stringify({ action: 'next', model: 'auto', messages: ['SECRET'] }) });
  assert.equal(await response.text(), body, 'the page reads the answer unchanged');
  await tick();
  assert.deepEqual(forwarded, [{ type: 'generation', adapter: 'chatgpt', rule: 'conversation', kind: 'prompt', count: 1, model: 'gpt-5' }]);
});

test('interceptor_reports_before_a_long_stream_ends_and_does_not_hold_it', async () => {
  let controller;
  const stream = new ReadableStream({ start: (c) => (controller = c) });
  const { window, forwarded } = page('https://chatgpt.com', {
    answer: () => new Response(stream, { status: 200 }),
  });
  await tick();
  const response = await window.fetch(CHATGPT_URL, { method: 'POST', body: '{"action":"next"}' });
  controller.enqueue(encoder.encode(sse([modelChunk])));
  await tick(200);
  assert.equal(forwarded.length, 1, 'counted while the stream is still open');
  // The page keeps streaming after the interceptor stopped reading its copy.
  const reader = response.body.getReader();
  controller.enqueue(encoder.encode('data: {"v":"more"}\n\n'));
  controller.close();
  let text = '';
  for (let part = await reader.read(); !part.done; part = await reader.read()) text += new TextDecoder().decode(part.value);
  assert.match(text, /more/);
});

test('interceptor_ignores_429_and_requests_no_rule_counts', async () => {
  const { window, forwarded } = page('https://chatgpt.com', {
    answer: (input, init) => new Response('{}', { status: init && init.body === '{}' ? 429 : 200 }),
  });
  await tick();
  await window.fetch(CHATGPT_URL, { method: 'POST', body: '{}' });
  await window.fetch('https://chatgpt.com/backend-api/f/conversation/prepare', { method: 'POST', body: '{}' });
  await window.fetch('https://chatgpt.com/backend-api/me');
  await window.fetch(CHATGPT_URL, { method: 'POST', body: '{"action":"continue"}' });
  await tick();
  assert.deepEqual(forwarded.map((m) => m.type), ['observed'], 'only the 2xx continue was seen, not counted');
});

test('interceptor_reads_a_request_object_body_without_consuming_the_pages_request', async () => {
  const { window, forwarded } = page('https://www.midjourney.com', {
    answer: async (input) => {
      assert.equal(await input.text(), JSON.stringify({ t: 'imagine', f: { mode: 'relax' } }));
      return Response.json({ success: [{ meta: { batch_size: 4 } }], failure: [] });
    },
  });
  await tick();
  const request = new Request('https://www.midjourney.com/api/submit-jobs', { method: 'POST', body: JSON.stringify({ t: 'imagine', f: { mode: 'relax' } }) });
  await window.fetch(request);
  await tick();
  assert.deepEqual(forwarded.map((m) => [m.kind, m.count, m.model]), [['image', 4, 'relax']]);
});

test('interceptor_reports_a_matched_request_that_counts_nothing_as_observed', async () => {
  const { window, forwarded } = page('https://www.midjourney.com', {
    answer: () => Response.json({ success: [], failure: [{ type: 'banned_prompt' }] }),
  });
  await tick();
  await window.fetch('https://www.midjourney.com/api/submit-jobs', { method: 'POST', body: '{"t":"imagine"}' });
  await tick();
  assert.deepEqual(forwarded, [{ type: 'observed', adapter: 'midjourney', rule: 'submit-jobs' }]);
});

test('interceptor_counts_gemini_xhr_and_copilot_websocket', async () => {
  const gemini = page('https://gemini.google.com', { answer: () => new Response('') });
  await tick();
  gemini.window.xhrAnswer = { status: 200, responseText: ")]}'\n\n10\n" + JSON.stringify([['wrb.fr', null, JSON.stringify([null, ['c', 'r']])]]) + '\n' };
  const xhr = new gemini.window.XMLHttpRequest();
  xhr.open('POST', '/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate?bl=x&rt=c');
  xhr.setRequestHeader('x-goog-ext-525001261-jspb', '[1,null,null,null,"abc123"]');
  xhr.send('f.req=SECRET');
  await tick(40);
  assert.deepEqual(gemini.forwarded.map((m) => [m.adapter, m.kind, m.model]), [['gemini', 'prompt', 'abc123']]);

  const copilot = page('https://copilot.microsoft.com', { answer: () => new Response('') });
  await tick();
  const socket = new copilot.window.WebSocket('wss://copilot.microsoft.com/c/api/chat?api-version=2');
  socket.send(JSON.stringify({ event: 'setOptions' }));
  socket.send(JSON.stringify({ event: 'send', mode: 'reasoning', content: [{ text: 'SECRET' }] }));
  socket.receive(JSON.stringify({ event: 'generatingImage' }));
  socket.receive(JSON.stringify({ event: 'imageGenerated' }));
  await tick();
  assert.equal(socket.sent.length, 2, 'frames still go out');
  assert.deepEqual(copilot.forwarded.map((m) => [m.kind, m.model]), [['prompt', 'reasoning'], ['image', undefined]]);
});

test('interceptor_forwards_nothing_a_page_posts_to_window_and_the_page_never_sees_the_port', async () => {
  const { window, forwarded } = page('https://chatgpt.com', {
    answer: () => new Response(sse([modelChunk]), { status: 200 }),
  });
  // Before the offer is delivered: a synthetic offer with the page's own port (not trusted).
  const fake = new MessageChannel();
  ports.push(fake.port1, fake.port2);
  const stolen = [];
  fake.port1.onmessage = (event) => stolen.push(event.data);
  window.dispatchEvent(new MessageEvent('message', { data: { channel: 'aifootprint', type: 'port' }, ports: [fake.port2] }));
  // A page listener (added after the content scripts, as any page script is) sees every
  // window message: it must see no port, neither in the offer nor anywhere else.
  const seen = [];
  window.addEventListener('message', (event) => seen.push({ data: event.data, ports: event.ports.length }), true);
  await tick();
  // Every shape of 'generation' message the nonce protocol accepted, and a rules message.
  for (const nonce of [undefined, 'guessed', '']) {
    const forged = { channel: 'aifootprint', type: 'generation', nonce, adapter: 'chatgpt', rule: 'conversation', kind: 'image', count: 1000, model: 'forged' };
    window.postMessage(forged, '*');
    window.postMessage({ ...forged, type: 'observed' }, '*');
    window.postMessage({ type: 'generation', kind: 'prompt', count: 1 }, '*');
  }
  window.postMessage({ channel: 'aifootprint', type: 'rules', nonce: 'mine', rules: [] }, '*');
  await tick();
  assert.deepEqual(forwarded, []);
  assert.ok(seen.length >= 10 && seen.every((message) => message.ports === 0), 'no page listener saw a port');
  assert.ok(!seen.some((message) => message.data && message.data.type === 'port'), 'nor the offer');
  // The real channel still works: the rules came over it, and a real prompt is counted.
  await window.fetch(CHATGPT_URL, { method: 'POST', body: '{"action":"next"}' });
  await tick();
  assert.deepEqual(forwarded.map((m) => [m.type, m.kind, m.model]), [['generation', 'prompt', 'gpt-5']]);
  assert.deepEqual(stolen, [], 'the page\'s own port got nothing');
});

test('interceptor_channel_survives_a_page_that_replaces_the_builtins_it_uses', async () => {
  const { window, forwarded } = page('https://chatgpt.com', {
    answer: () => new Response(sse([modelChunk]), { status: 200 }),
  });
  // Page scripts run after the content scripts: whatever they replace, the channel calls the
  // built-ins it captured first, so no replacement ever gets the port. (Here content.js shares
  // these built-ins; in a browser the isolated world has its own: its calls are left out.)
  const caught = [];
  const note = (...values) => {
    if (!new Error().stack.includes('content.js')) caught.push(...values);
  };
  const replaced = [
    [MessagePort.prototype, 'postMessage'], [Event.prototype, 'stopImmediatePropagation'],
    [MessageEvent.prototype, 'data'], [MessageEvent.prototype, 'ports'],
  ].map(([object, name]) => [object, name, Object.getOwnPropertyDescriptor(object, name)]);
  for (const [object, name, original] of replaced) {
    const spy = original.get
      ? { ...original, get() { note(this); return original.get.call(this); } }
      : { ...original, value(...args) { note(this, ...args); return original.value.apply(this, args); } };
    Object.defineProperty(object, name, spy);
  }
  try {
    await tick();
    await window.fetch(CHATGPT_URL, { method: 'POST', body: '{"action":"next"}' });
    await tick();
  } finally {
    for (const [object, name, original] of replaced) Object.defineProperty(object, name, original);
  }
  assert.equal(forwarded.length, 1);
  assert.ok(!caught.some((value) => value instanceof MessagePort || value instanceof MessageEvent), 'no port, no channel event');
});

test('interceptor_never_forwards_prompt_text', async () => {
  const { window, forwarded } = page('https://claude.ai', {
    answer: () => new Response(sse([{ type: 'message_start', message: { model: 'claude-x' } }]), { status: 200 }),
  });
  await tick();
  await window.fetch('https://claude.ai/api/organizations/o/chat_conversations/c/completion', {
    method: 'POST', body: JSON.stringify({ prompt: 'SECRET-PROMPT', model: 'claude-y' }),
  });
  await tick();
  assert.equal(forwarded.length, 1);
  assert.ok(!JSON.stringify(forwarded).includes('SECRET'));
});

test('interceptor_keeps_a_chatgpt_image_task_in_the_page_memory_until_the_socket_delivers_it', async () => {
  const task = { v: { message: { id: 't1', status: 'finished_successfully', metadata: { image_gen_task_id: 'task_1', model_slug: 'gpt-4o' } } } };
  const handoff = { type: 'stream_handoff', options: [{ type: 'subscribe_ws_topic', topic_id: 'turn-1' }] };
  const { window, forwarded } = page('https://chatgpt.com', {
    answer: (input, init) => new Response(sse(init.body.includes('picture_v2') ? [task] : [handoff]), { status: 200 }),
  });
  await tick();
  const socket = new window.WebSocket('wss://pubsub.chatgpt.com/v1/socket?token=x');
  await window.fetch(CHATGPT_URL, { method: 'POST', body: JSON.stringify({ action: 'next', model: 'auto', system_hints: ['picture_v2'] }) });
  await window.fetch(CHATGPT_URL, { method: 'POST', body: JSON.stringify({ action: 'next', model: 'auto' }) });
  await tick();
  const parts = ['sediment://file_1', 'sediment://file_2', 'sediment://file_3'].map((asset_pointer) => ({ content_type: 'image_asset_pointer', asset_pointer }));
  socket.receive(JSON.stringify({ type: 'conversation-update', payload: { update_type: 'async-task-update-message', update_content: { message: { id: 't1', status: 'finished_successfully', content: { parts } } } } }));
  const item = `data: ${JSON.stringify({ v: { message: { metadata: { model_slug: 'gpt-5' } } } })}\n\n`;
  socket.receive(JSON.stringify([{ type: 'message', topic_id: 'turn-1', payload: { type: 'conversation-turn-stream', payload: { type: 'stream-item', encoded_item: item } } }]));
  await tick();
  assert.deepEqual(forwarded, [
    { type: 'generation', adapter: 'chatgpt', rule: 'conversation', kind: 'image', count: 1, model: 'gpt-4o' },
    { type: 'observed', adapter: 'chatgpt', rule: 'conversation' },
    { type: 'generation', adapter: 'chatgpt', rule: 'celsius-socket', kind: 'image', count: 2 },
    { type: 'generation', adapter: 'chatgpt', rule: 'conversation', kind: 'prompt', count: 1, model: 'gpt-5', late: true },
  ]);
});
