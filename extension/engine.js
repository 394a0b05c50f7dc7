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
// Reducers: sum (add numbers), length (of the array or string), distinct (count distinct
// values over the whole stream), last (keep the last value seen in a stream), map (look the
// value up in an object), max (cap a count).
// A "condition" is a spec plus one test: equals, oneOf, contains, gt; none means "present".
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
    if (value !== undefined && spec.map) {
      const key = String(value);
      value = Object.prototype.hasOwnProperty.call(spec.map, key) ? spec.map[key] : undefined;
    }
    if (typeof value === 'number' && spec.max !== undefined) value = Math.min(value, spec.max);
    return value;
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

  // What the request alone says; the response (if needed) fills in the rest.
  function requestFacts(rule, request) {
    const parsed = parseRequest(request);
    const check = (condition) => isRequestSpec(condition) && test(condition, specValue(condition, parsed));
    const requires = asList(rule.requires);
    const facts = {
      skip: asList(rule.skipIf).some(check) || !requires.every(check),
      regenerated: rule.regeneratedIf ? check(rule.regeneratedIf) : false,
      model: firstFromRequest(rule.model, parsed, isModel),
      dedupe: rule.dedupe ? specValue(rule.dedupe, parsed) : undefined,
      count: firstFromRequest(rule.count, parsed, isCount),
      estimate: firstFromRequest(rule.estimate, parsed, isCount),
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
    const specs = [];
    const add = (group, list) => {
      for (const spec of asList(list)) if (!isRequestSpec(spec)) specs.push({ group, spec });
    };
    if (facts.model.pending) add('model', rule.model);
    if (rule.kind === 'image' && facts.count.pending) add('count', rule.count);
    if (facts.images && facts.images.wanted) add('images', rule.images.count);
    asList(rule.skipIf).forEach((spec, index) => add(`skip${index}`, spec));
    return specs;
  }

  function needsFullStream(spec) {
    return Boolean(spec.distinct || spec.last) || TEXT_SOURCES.has(spec.in);
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
    const states = grouped.map(({ group, spec }) => ({ group, spec, value: undefined, seen: new Set() }));
    const wantsText = specs.some((spec) => TEXT_SOURCES.has(spec.in));
    const lineSources = new Set(specs.filter((spec) => STREAM_SOURCES.has(spec.in)).map((s) => s.in));
    let partial = '';
    let text = '';

    function takeObject(source, object) {
      for (const state of states) {
        if (state.spec.in !== source) continue;
        const values = getAll(object, state.spec.path);
        if (state.spec.distinct) {
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
        return states.every((state) => states.some((other) => other.group === state.group && done(other)));
      },
      finish() {
        if (partial) takeLine(partial);
        partial = '';
        const json = wantsText ? parseJson(text.replace(/^\)\]\}'/, '')) : undefined;
        for (const state of states) {
          if (state.spec.in === 'response') state.value = reduceValues(state.spec, getAll(json, state.spec.path));
          if (state.spec.in === 'responseText') {
            const pattern = new RegExp(state.spec.regex, 'g');
            for (const match of text.matchAll(pattern)) state.seen.add(match[1] ?? match[0]);
          }
        }
        text = '';
        return states.map((state) => {
          const raw = state.spec.distinct || state.spec.in === 'responseText' ? state.seen.size : state.value;
          return { spec: state.spec, value: finishValue(state.spec, raw) };
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

  // The events one counted request produces: [] or one {kind, count, model?, regenerated?, dedupe?}.
  // responseValues is scanner.finish(), or null when the response could not be read (the
  // webRequest backup): then image counts fall back to the rule's request-side estimate.
  function decide(rule, facts, responseValues, status) {
    if (!isSuccess(status) || facts.skip) return [];
    const values = responseValues || [];
    const skippedByResponse = asList(rule.skipIf)
      .filter((spec) => !isRequestSpec(spec))
      .some((spec) => test(spec, (values.find((entry) => entry.spec === spec) || {}).value));
    if (skippedByResponse) return [];
    let kind = rule.kind;
    let count = 1;
    if (rule.kind === 'image') {
      count = pick(rule.count, facts.count, values, isCount);
      if (count === undefined && !responseValues) count = facts.estimate.value;
      if (count === undefined && (!responseValues || !facts.count.pending)) count = rule.countDefault;
      if (!isCount(count)) return [];
    } else if (facts.images && facts.images.wanted) {
      let images = pick(rule.images.count, { pending: true }, values, isCount);
      if (images === undefined && facts.images.when) images = rule.images.fallback;
      if (isCount(images)) {
        kind = 'image';
        count = images;
      }
    }
    const event = { kind, count: clampCount(count) };
    const model = pick(rule.model, facts.model, values, isModel);
    if (isModel(model)) event.model = model.slice(0, MAX_MODEL_LENGTH);
    if (facts.regenerated) event.regenerated = true;
    if (facts.dedupe !== undefined && facts.dedupe !== null) event.dedupe = String(facts.dedupe).slice(0, 200);
    return [event];
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

  // One WebSocket message: an event for a counted frame, else null.
  function decideFrame(rule, direction, data) {
    if (typeof data !== 'string') return null;
    const frame = parseJson(data);
    if (frame === undefined) return null;
    const value = (spec) => finishValue(spec, reduceValues(spec, getAll(frame, spec.path)));
    const counted = asList(rule.frames).find(
      (entry) => entry.direction === direction && test(entry.when, value(entry.when)),
    );
    if (!counted) return null;
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
    isSuccess,
    rulesFor,
    matchRequest,
    hostOf,
    looksLikeGeneration,
  });
})(globalThis);
