// The rule interpreter shared by the MAIN-world script, the background and the Node tests.
//
// Why a classic script: the MAIN-world content script cannot import modules, so this file
// uses no import/export and only defines globalThis.AIFootprintEngine. The MAIN world loads
// it before main_world.js (manifest order), the background imports it for its side effect,
// and Node imports it the same way. The adapters (extension/adapters/*.js) stay plain data:
// the background sends the matching rules to each page (see docs/extension.md), so the
// adapter table is the single source of truth and this file is the only code that reads it.
//
// A "spec" says where a value is: {in, path|name|regex, ...}. Sources:
//   request (JSON body), form (form field `name`, JSON-parsed when `path` is given),
//   header (`name`, JSON-parsed when `path` is given), query (`name`), path (`regex` on the
//   URL path, group 1 or the whole match), response (JSON body), responseText (`regex`,
//   distinct group-1 matches), stream (SSE `data:` JSON objects), frames (Google
//   length-prefixed wrb.fr frames), frame (one WebSocket message, JSON).
// Paths: dotted segments; `x[]` fans out over the array x, `*` over all values of an object.
// Options on response-side specs (stream, frame, response): patch (a regex on the `p` of
// JSON-patch-like operations {p, o, v}, alone, in a `v` list or in an `o: "patch"` list: their
// `v` values), having (keep only values with something at this sub-path), pick (take this
// sub-path of each value), matches (keep only string values this regex matches), decode:
// 'sse' (a string value holding SSE `data:` lines: their JSON objects, then the sub-path
// `then`), collect (the distinct values themselves, not their number).
// Reducers: sum (add numbers), length (of the array or string), distinct (count distinct
// values over the whole stream), last (keep the last value seen in a stream), map (look the
// value up in an object), regex (group 1 of a regex on a string value, a number when it is
// one), as (a found value counts as this number), divide (by a number), max (cap a count).
// `videos: {count}` on any rule: when its count is found, the request is that many videos
// (kind video) instead of what the rule says.
// A "condition" is a spec plus one test: equals, oneOf, contains, gt; none means "present".
// Kinds: prompt, image, video (with optional `seconds`, from the rule's `seconds` specs).
// `variants` ([{when, kind, count, countDefault, estimate, seconds, model}]): the first whose
// request-side `when` holds replaces those fields of the rule for that request.
// Page memory (optional, one per page, see createMemory): `images.pending` marks image tasks
// the stream announced but did not deliver (counted 1 each for now); a rule's or frame's
// `settles` counts the rest when the delivered message arrives; `handoff` holds a prompt
// whose stream was handed off before naming the model until a frame `releases` it (or its
// time runs out: expire()).
(function defineEngine(root) {
  'use strict';

  const REQUEST_SOURCES = new Set(['request', 'form', 'header', 'query', 'path']);
  const STREAM_SOURCES = new Set(['stream', 'frames']);
  const TEXT_SOURCES = new Set(['response', 'responseText']);
  const MAX_COUNT = 1000;
  const MAX_MODEL_LENGTH = 200;
  // Paths whose POSTs look like a generation; used to notice a broken adapter.
  const GENERATION_LIKE = /conversation|chat|completion|generate|submit|imagine|sample|ask/i;

  function asList(value) {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
  }

  // All values at a dotted path; a segment ending in [] fans out over an array.
  function getAll(value, path) {
    const paths = asList(path);
    return paths.flatMap((one) => walk(value, String(one).split('.'), 0));
  }

  function walk(value, segments, index) {
    if (value === undefined || value === null) return [];
    if (index === segments.length) return [value];
    const segment = segments[index];
    if (segment.endsWith('[]')) {
      const key = segment.slice(0, -2);
      const list = key ? value[key] : value;
      if (!Array.isArray(list)) return [];
      return list.flatMap((item) => walk(item, segments, index + 1));
    }
    if (typeof value !== 'object') return [];
    if (segment === '*') return Object.values(value).flatMap((item) => walk(item, segments, index + 1));
    return walk(value[segment], segments, index + 1);
  }

  function parseJson(text) {
    if (typeof text !== 'string' || text.length === 0) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  function reduceValues(spec, values) {
    if (spec.sum) {
      const numbers = values.map(Number).filter(Number.isFinite);
      return numbers.length ? numbers.reduce((a, b) => a + b, 0) : undefined;
    }
    let value = values[0];
    if (spec.length) value = value === undefined || value === null ? undefined : value.length;
    return value;
  }

  function finishValue(spec, value) {
    if (typeof value === 'string' && spec.regex && !['path', 'responseText'].includes(spec.in)) {
      const match = new RegExp(spec.regex).exec(value);
      value = match ? (match[1] ?? match[0]) : undefined;
      if (value !== undefined && /^\d+(?:\.\d+)?$/.test(value)) value = Number(value);
    }
    if (value !== undefined && spec.map) {
      const key = String(value);
      value = Object.prototype.hasOwnProperty.call(spec.map, key) ? spec.map[key] : undefined;
    }
    if (value !== undefined && value !== null && spec.as !== undefined) value = spec.as;
    if (spec.divide && value !== undefined && value !== null && Number.isFinite(Number(value))) {
      value = Number(value) / spec.divide;
    }
    if (typeof value === 'number' && spec.max !== undefined) value = Math.min(value, spec.max);
    return value;
  }

  // ---- values inside one JSON object (a stream event, a frame, a response) ----------------

  function* sseJson(text) {
    for (const line of String(text).split('\n')) {
      const trimmed = line.trim();
      if (!trimmed.startsWith('data:')) continue;
      const value = parseJson(trimmed.slice(5).trim());
      if (value !== undefined) yield value;
    }
  }

  // The {p, o, v} operations of a patch-style stream event.
  function patchOps(object) {
    if (!object || typeof object !== 'object') return [];
    const ops = [];
    const add = (op) => op && typeof op === 'object' && typeof op.p === 'string' && ops.push(op);
    add(object);
    if (Array.isArray(object.v)) object.v.forEach(add);
    for (const op of [...ops]) if (op.o === 'patch' && Array.isArray(op.v) && op !== object) op.v.forEach(add);
    return ops;
  }

  function valuesOf(spec, object) {
    let values = spec.path !== undefined ? getAll(object, spec.path) : [];
    if (spec.patch) {
      const pattern = new RegExp(spec.patch);
      values = values.concat(patchOps(object).filter((op) => pattern.test(op.p)).map((op) => op.v));
    }
    if (spec.decode === 'sse') {
      values = values.flatMap((text) => (typeof text === 'string' ? [...sseJson(text)] : []));
      if (spec.then !== undefined) values = values.flatMap((value) => getAll(value, spec.then));
    }
    if (spec.having) values = values.filter((value) => getAll(value, spec.having).some((v) => v !== null && v !== false));
    if (spec.pick) values = values.flatMap((value) => getAll(value, spec.pick));
    if (spec.matches) {
      const pattern = new RegExp(spec.matches);
      values = values.filter((value) => typeof value === 'string' && pattern.test(value));
    }
    return values;
  }

  // ---- request side ----------------------------------------------------------------

  function parseRequest(request) {
    const url = new URL(request.url);
    const headers = {};
    for (const [name, value] of Object.entries(request.headers || {})) {
      headers[name.toLowerCase()] = String(value);
    }
    return { url, headers, body: typeof request.body === 'string' ? request.body : '' };
  }

  function requestValue(spec, parsed) {
    switch (spec.in) {
      case 'request':
        if (parsed.json === undefined) parsed.json = parseJson(parsed.body) ?? null;
        return spec.path ? reduceValues(spec, getAll(parsed.json, spec.path)) : parsed.json;
      case 'form': {
        const field = new URLSearchParams(parsed.body).get(spec.name);
        if (field === null) return undefined;
        return spec.path ? reduceValues(spec, getAll(parseJson(field), spec.path)) : field;
      }
      case 'header': {
        const header = parsed.headers[spec.name.toLowerCase()];
        if (header === undefined || !spec.path) return header;
        return reduceValues(spec, getAll(parseJson(header), spec.path));
      }
      case 'query':
        return parsed.url.searchParams.get(spec.name) ?? undefined;
      case 'path': {
        const match = new RegExp(spec.regex).exec(parsed.url.pathname);
        if (!match) return undefined;
        return match[1] ?? match[0];
      }
      default:
        return undefined;
    }
  }

  function test(condition, value) {
    if ('equals' in condition) return value === condition.equals;
    if ('oneOf' in condition) return condition.oneOf.includes(value);
    if ('contains' in condition) {
      if (Array.isArray(value) || typeof value === 'string') return value.includes(condition.contains);
      return false;
    }
    if ('gt' in condition) return Number(value) > condition.gt;
    return value !== undefined && value !== null && value !== false;
  }

  function isRequestSpec(spec) {
    return REQUEST_SOURCES.has(spec.in);
  }

  function specValue(spec, parsed) {
    return finishValue(spec, requestValue(spec, parsed));
  }

  // The first usable value of an ordered list of specs, as far as the request can tell:
  // {value} when decided; {pending: true, fallback} when a response spec comes before any
  // hit (fallback: the first request-side value after it, used if the response has none).
  function firstFromRequest(specs, parsed, usable) {
    let pending = false;
    for (const spec of asList(specs)) {
      if (!isRequestSpec(spec)) {
        pending = true;
        continue;
      }
      const value = specValue(spec, parsed);
      if (usable(value)) return pending ? { pending, fallback: value } : { value };
    }
    return pending ? { pending } : {};
  }

  const isModel = (value) => typeof value === 'string' && value.length > 0;
  const isCount = (value) => Number.isFinite(Number(value)) && Number(value) > 0;

  // The rule as it applies to one request: a matching variant replaces some of its fields.
  function effective(rule, facts) {
    const variant = facts && facts.variant >= 0 ? asList(rule.variants)[facts.variant] : null;
    return variant ? { ...rule, ...variant } : rule;
  }

  function hasPending(memory, adapter) {
    if (!memory) return false;
    for (const key of memory.pending.keys()) if (key.startsWith(`${adapter}:`)) return true;
    return false;
  }

  // What the request alone says; the response (if needed) fills in the rest. memory (the
  // page's, optional) tells whether a rule that `settles` earlier image tasks must read.
  function requestFacts(rule, request, memory) {
    const parsed = parseRequest(request);
    const check = (condition) => isRequestSpec(condition) && test(condition, specValue(condition, parsed));
    const requires = asList(rule.requires);
    const variant = asList(rule.variants).findIndex((entry) => check(entry.when));
    const r = effective(rule, { variant });
    const facts = {
      variant,
      skip: asList(r.skipIf).some(check) || !requires.every(check),
      regenerated: r.regeneratedIf ? check(r.regeneratedIf) : false,
      model: firstFromRequest(r.model, parsed, isModel),
      dedupe: r.dedupe ? specValue(r.dedupe, parsed) : undefined,
      count: firstFromRequest(r.count, parsed, isCount),
      estimate: firstFromRequest(r.estimate, parsed, isCount),
      seconds: firstFromRequest(r.seconds, parsed, isCount),
      settling: Boolean(r.settles) && hasPending(memory, rule.adapter),
      images: null,
    };
    if (rule.images) {
      const wanted = rule.images.when ? check(rule.images.when) : true;
      facts.images = { wanted, when: Boolean(rule.images.when) && wanted };
    }
    delete parsed.json; // the parsed body (with the prompt) is not kept
    return facts;
  }

  // ---- response side -----------------------------------------------------------------

  // The response specs this request still needs, each with its group: the group is
  // satisfied once any of its specs has a value (the first usable one in order wins later).
  function responseSpecs(rule, facts) {
    const r = effective(rule, facts);
    const specs = [];
    const add = (group, list, optional = false) => {
      for (const spec of asList(list)) if (!isRequestSpec(spec)) specs.push({ group, spec, optional });
    };
    if (facts.model.pending) add('model', r.model);
    if (r.kind !== 'prompt' && facts.count.pending) add('count', r.count);
    if (r.kind !== 'prompt' && facts.seconds.pending) add('seconds', r.seconds);
    if (r.videos) add('videos', r.videos.count);
    if (facts.images && facts.images.wanted) {
      add('images', r.images.count);
      if (r.images.pending) add('pending', r.images.pending);
    }
    if (facts.settling) add('settles', { ...r.settles.from, collect: true });
    if (r.handoff && facts.model.pending) {
      // Optional: they never keep the reader going once the model is known.
      add('handoff', r.handoff.when, true);
      add('handoffKey', r.handoff.key, true);
    }
    asList(r.skipIf).forEach((spec, index) => add(`skip${index}`, spec));
    return specs;
  }

  function needsFullStream(spec) {
    return Boolean(spec.distinct || spec.last || spec.collect) || TEXT_SOURCES.has(spec.in);
  }

  function* sseObjects(line) {
    if (!line.startsWith('data:')) return;
    const value = parseJson(line.slice(5).trim());
    if (value !== undefined) yield value;
  }

  function* googleFrames(line) {
    if (!line.startsWith('[')) return;
    for (const entry of asList(parseJson(line))) {
      if (Array.isArray(entry) && entry[0] === 'wrb.fr' && typeof entry[2] === 'string') {
        const value = parseJson(entry[2]);
        if (value !== undefined) yield value;
      }
    }
  }

  // Reads a response incrementally: push() text chunks, stop once satisfied(), then finish().
  // Only the current partial line and the extracted values are kept, never the text.
  function createScanner(rule, facts) {
    const grouped = responseSpecs(rule, facts);
    const specs = grouped.map((entry) => entry.spec);
    const states = grouped.map(({ group, spec, optional }) => ({ group, spec, optional, value: undefined, seen: new Set() }));
    const wantsText = specs.some((spec) => TEXT_SOURCES.has(spec.in));
    const lineSources = new Set(specs.filter((spec) => STREAM_SOURCES.has(spec.in)).map((s) => s.in));
    let partial = '';
    let text = '';

    function takeObject(source, object) {
      for (const state of states) {
        if (state.spec.in !== source) continue;
        const values = valuesOf(state.spec, object);
        if (state.spec.distinct || state.spec.collect) {
          values.forEach((value) => state.seen.add(JSON.stringify(value)));
        } else if (values.length && (state.spec.last || state.value === undefined)) {
          state.value = reduceValues(state.spec, values);
        }
      }
    }

    function takeLine(line) {
      const trimmed = line.trim();
      if (lineSources.has('stream')) for (const object of sseObjects(trimmed)) takeObject('stream', object);
      if (lineSources.has('frames')) for (const object of googleFrames(trimmed)) takeObject('frames', object);
    }

    return {
      needed: specs.length > 0,
      push(chunk) {
        if (wantsText) text += chunk;
        if (!lineSources.size) return;
        const lines = (partial + chunk).split('\n');
        partial = lines.pop();
        lines.forEach(takeLine);
      },
      satisfied() {
        const done = (state) => !needsFullStream(state.spec) && state.value !== undefined;
        return states
          .filter((state) => !state.optional)
          .every((state) => states.some((other) => other.group === state.group && done(other)));
      },
      finish() {
        if (partial) takeLine(partial);
        partial = '';
        const json = wantsText ? parseJson(text.replace(/^\)\]\}'/, '')) : undefined;
        for (const state of states) {
          if (state.spec.in === 'response' && state.spec.collect) {
            valuesOf(state.spec, json).forEach((value) => state.seen.add(JSON.stringify(value)));
          } else if (state.spec.in === 'response') {
            state.value = reduceValues(state.spec, valuesOf(state.spec, json));
          }
          if (state.spec.in === 'responseText') {
            const pattern = new RegExp(state.spec.regex, 'g');
            for (const match of text.matchAll(pattern)) state.seen.add(match[1] ?? match[0]);
          }
        }
        text = '';
        return states.map((state) => {
          const { group, spec } = state;
          if (spec.collect) return { group, spec, value: [...state.seen].map((v) => JSON.parse(v)) };
          const raw = spec.distinct || spec.in === 'responseText' ? state.seen.size : state.value;
          return { group, spec, value: finishValue(spec, raw) };
        });
      },
    };
  }

  // ---- the decision --------------------------------------------------------------------

  function pick(specs, decided, responseValues, usable) {
    if (!decided.pending) return decided.value;
    for (const spec of asList(specs)) {
      if (isRequestSpec(spec)) continue;
      const found = responseValues.find((entry) => entry.spec === spec);
      if (found && usable(found.value)) return found.value;
    }
    return decided.fallback;
  }

  function isSuccess(status) {
    return status >= 200 && status < 300;
  }

  function clampCount(value) {
    return Math.max(1, Math.min(MAX_COUNT, Math.floor(Number(value))));
  }

  const MAX_SECONDS = 3600;
  const PENDING_MS = 30 * 60 * 1000; // an announced image task is settled within this time or forgotten
  const isSeconds = (value) => Number.isFinite(Number(value)) && Number(value) > 0;

  // The page's memory of image tasks announced but not yet delivered, and of prompts held
  // until their model is known. Plain Maps, never persisted; nothing in it is prompt text.
  function createMemory() {
    return { pending: new Map(), held: new Map() };
  }

  function groupValue(values, group) {
    const found = values.find((entry) => entry.group === group);
    return found ? found.value : undefined;
  }

  function finishEvent(r, facts, values, kind, count) {
    const event = { kind, count: clampCount(count) };
    if (kind === 'video') {
      const seconds = pick(r.seconds, facts.seconds, values, isSeconds);
      if (isSeconds(seconds)) event.seconds = Math.min(MAX_SECONDS, Math.round(Number(seconds) * 10) / 10);
    }
    const model = pick(r.model, facts.model, values, isModel);
    if (isModel(model)) event.model = model.slice(0, MAX_MODEL_LENGTH);
    if (facts.regenerated) event.regenerated = true;
    if (facts.dedupe !== undefined && facts.dedupe !== null) event.dedupe = String(facts.dedupe).slice(0, 200);
    return event;
  }

  // Delivered messages (from a frame or a polled answer) that settle announced image tasks:
  // one image event for the images beyond the 1 already counted per task, or null.
  function settle(adapter, settles, messages, memory, now = Date.now()) {
    if (!memory) return null;
    let extra = 0;
    for (const message of asList(messages)) {
      const id = getAll(message, settles.id || 'id')[0];
      const key = `${adapter}:${id}`;
      const entry = memory.pending.get(key);
      if (id === undefined || !entry) continue;
      if (now - entry.at > PENDING_MS) {
        memory.pending.delete(key);
        continue;
      }
      if (settles.done && !test(settles.done, getAll(message, settles.done.path)[0])) continue;
      const assets = new Set(valuesOf(settles.count, message).map((value) => JSON.stringify(value)));
      memory.pending.delete(key);
      extra += Math.max(0, assets.size - entry.counted);
    }
    return extra > 0 ? { kind: 'image', count: clampCount(extra) } : null;
  }

  // The events one counted request produces: [] or one {kind, count, seconds?, model?,
  // regenerated?, dedupe?}. responseValues is scanner.finish(), or null when the response
  // could not be read (the webRequest backup): then counts fall back to the rule's
  // request-side estimate. memory: the page's (optional), for image tasks and handoffs.
  function decide(rule, facts, responseValues, status, memory, now = Date.now()) {
    if (!isSuccess(status) || facts.skip) return [];
    const r = effective(rule, facts);
    const values = responseValues || [];
    const skippedByResponse = asList(r.skipIf)
      .filter((spec) => !isRequestSpec(spec))
      .some((spec) => test(spec, (values.find((entry) => entry.spec === spec) || {}).value));
    if (skippedByResponse) return [];
    if (r.settles) {
      const event = facts.settling ? settle(rule.adapter, r.settles, groupValue(values, 'settles'), memory, now) : null;
      return event ? [event] : [];
    }
    let kind = r.kind;
    let count = 1;
    const videos = r.videos ? pick(r.videos.count, { pending: true }, values, isCount) : undefined;
    if (isCount(videos)) {
      kind = 'video'; // a video is never also counted as images
      count = videos;
    } else if (kind === 'image' || kind === 'video') {
      count = pick(r.count, facts.count, values, isCount);
      if (count === undefined && !responseValues) count = facts.estimate.value;
      if (count === undefined && (!responseValues || !facts.count.pending)) count = r.countDefault;
      if (!isCount(count)) return [];
    } else {
      if (facts.images && facts.images.wanted) {
        let images = pick(r.images.count, { pending: true }, values, isCount);
        const tasks = asList(groupValue(values, 'pending')).filter((id) => typeof id === 'string' && id);
        if (!isCount(images) && tasks.length && memory) {
          // Announced but delivered later (websocket or polling): 1 each now, the rest then.
          tasks.forEach((id) => memory.pending.set(`${rule.adapter}:${id}`, { counted: 1, at: now }));
          images = tasks.length;
        }
        if (images === undefined && facts.images.when) images = r.images.fallback;
        if (isCount(images)) {
          kind = 'image';
          count = images;
        }
      }
    }
    const event = finishEvent(r, facts, values, kind, count);
    const handedOff = r.handoff && facts.model.pending && test(r.handoff.when, groupValue(values, 'handoff'));
    const streamModel = facts.model.pending && pick(r.model, { pending: true }, values, isModel);
    if (handedOff && kind === 'prompt' && !isModel(streamModel) && memory) {
      const key = groupValue(values, 'handoffKey');
      if (typeof key === 'string' && key) {
        memory.held.set(`${rule.adapter}:${key}`, { adapter: rule.adapter, rule: rule.id, event, until: now + (r.handoff.ms || 60000) });
        return [];
      }
    }
    return [event];
  }

  // Held prompts whose time ran out: [{adapter, rule, event}] (with the request's model, if any).
  function expire(memory, now = Date.now()) {
    if (!memory) return [];
    const due = [];
    for (const [key, held] of memory.held) {
      if (held.until <= now) {
        memory.held.delete(key);
        due.push({ adapter: held.adapter, rule: held.rule, event: held.event });
      }
    }
    return due;
  }

  // ---- matching ------------------------------------------------------------------------

  // The serialisable rules one page needs: each adapter rule tagged with its adapter id and
  // the hosts its requests go to (the page's own hosts unless the rule names others).
  function rulesFor(adapters, pageHost) {
    return adapters
      .filter((adapter) => !pageHost || adapter.hosts.includes(pageHost))
      .flatMap((adapter) =>
        adapter.rules.map((rule) => ({ ...rule, adapter: adapter.id, hosts: rule.hosts || adapter.hosts })),
      );
  }

  function hostOf(url) {
    try {
      return new URL(url).hostname;
    } catch {
      return '';
    }
  }

  function matchRequest(rules, method, url, transport) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    const upper = String(method || 'GET').toUpperCase();
    return (
      rules.find((rule) => {
        if ((rule.transport === 'websocket') !== (transport === 'websocket')) return false;
        if (rule.transport !== 'websocket' && rule.method !== upper) return false;
        return rule.hosts.includes(parsed.hostname) && new RegExp(rule.path).test(parsed.pathname);
      }) || null
    );
  }

  // One WebSocket message: an event for a counted frame, else null. A released prompt
  // carries `rule` (the HTTP rule that held it) and `late: true`.
  function decideFrame(rule, direction, data, memory, now = Date.now()) {
    if (typeof data !== 'string') return null;
    const parsedFrame = parseJson(data);
    if (parsedFrame === undefined) return null;
    if (Array.isArray(parsedFrame)) {
      // Some sockets batch messages in one JSON list: the first that counts decides.
      for (const item of parsedFrame) {
        const event = decideFrame(rule, direction, JSON.stringify(item), memory, now);
        if (event) return event;
      }
      return null;
    }
    const frame = parsedFrame;
    const value = (spec) => finishValue(spec, reduceValues(spec, valuesOf(spec, frame)));
    const counted = asList(rule.frames).find(
      (entry) => entry.direction === direction && asList(entry.when).every((when) => test(when, value(when))),
    );
    if (!counted) return null;
    if (counted.settles) return settle(rule.adapter, counted.settles, valuesOf(counted.settles.from, frame), memory, now);
    if (counted.releases) {
      if (!memory) return null;
      const key = `${rule.adapter}:${value(counted.releases.key)}`;
      const held = memory.held.get(key);
      const model = asList(counted.releases.model).map(value).find(isModel);
      if (!held || !model) return null;
      memory.held.delete(key);
      return { ...held.event, model: model.slice(0, MAX_MODEL_LENGTH), rule: held.rule, late: true };
    }
    const event = { kind: counted.kind, count: clampCount(counted.count || 1) };
    const model = asList(counted.model).map(value).find(isModel);
    if (model) event.model = model.slice(0, MAX_MODEL_LENGTH);
    return event;
  }

  // A POST to a tracked site that looks like a generation but that no rule counts and no
  // adapter excludes: a sign that the site changed and the adapter is broken.
  function looksLikeGeneration(adapter, method, url, bodyBytes) {
    if (String(method).toUpperCase() !== 'POST' || bodyBytes < 100) return false;
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (!GENERATION_LIKE.test(parsed.pathname)) return false;
    return !asList(adapter.exclude).some((pattern) => new RegExp(pattern).test(parsed.pathname));
  }

  root.AIFootprintEngine = Object.freeze({
    getAll,
    requestFacts,
    createScanner,
    decide,
    decideFrame,
    createMemory,
    expire,
    isSuccess,
    rulesFor,
    matchRequest,
    hostOf,
    looksLikeGeneration,
  });
})(globalThis);
