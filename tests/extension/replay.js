// Replays a recorded fixture step through the engine the way main_world.js does: match the
// request, read the request facts, scan the response in small chunks (stopping once the
// scanner is satisfied, as the MAIN world cancels its reader), then decide.
import '../../extension/engine.js';
import { ADAPTERS } from '../../extension/registry.js';

export const engine = globalThis.AIFootprintEngine;

export function requestBody(request) {
  if (request.body === undefined) return '';
  return typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
}

export function rulesForSite(adapter, fixture) {
  return engine.rulesFor(ADAPTERS, fixture.page || adapter.hosts[0]);
}

function replayHttp(rules, step, chunkSize, memory) {
  const { request, response } = step;
  const rule = engine.matchRequest(rules, request.method, request.url, 'http');
  if (!rule) return { rule: null, events: [] };
  const facts = engine.requestFacts(rule, { url: request.url, headers: request.headers, body: requestBody(request) }, memory);
  const scanner = engine.createScanner(rule, facts);
  let bytesRead = 0;
  if (scanner.needed && engine.isSuccess(response.status)) {
    const body = response.body || '';
    for (let at = 0; at < body.length && !scanner.satisfied(); at += chunkSize) {
      scanner.push(body.slice(at, at + chunkSize));
      bytesRead = Math.min(body.length, at + chunkSize);
    }
  }
  const values = scanner.needed ? scanner.finish() : [];
  return { rule, bytesRead, events: engine.decide(rule, facts, values, response.status, memory) };
}

function replayWebSocket(rules, step, memory) {
  const rule = engine.matchRequest(rules, 'GET', step.websocket.url, 'websocket');
  if (!rule) return { rule: null, events: [] };
  const events = step.websocket.frames
    .map((frame) => engine.decideFrame(rule, frame.direction, frame.data, memory))
    .filter(Boolean);
  return { rule, events };
}

// memory: the page's (engine.createMemory()), shared by the steps of one fixture. A step
// {"expire": true} is the held prompts' time running out (main_world.js's timer).
export function replayStep(rules, step, chunkSize = 64, memory = undefined) {
  if (step.expire) return { rule: null, events: engine.expire(memory, Infinity).map(({ event }) => ({ ...event, late: true })) };
  return step.websocket ? replayWebSocket(rules, step, memory) : replayHttp(rules, step, chunkSize, memory);
}

// What the webRequest backup would count: no response body, only URL, method, headers, status.
export function replayBackup(rules, step) {
  const { request, response } = step;
  const rule = engine.matchRequest(rules, request.method, request.url, 'http');
  if (!rule || rule.backup === false) return [];
  const facts = engine.requestFacts(rule, { url: request.url, headers: request.headers, body: requestBody(request) });
  return engine.decide(rule, facts, null, response.status);
}
