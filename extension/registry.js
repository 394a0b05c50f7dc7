// The adapters as a list, plus the lookups the background needs. Pure: testable in Node.
import * as adapterModules from './adapters/index.js';

export const ADAPTERS = Object.freeze(Object.values(adapterModules));

export function adapterById(id) {
  return ADAPTERS.find((adapter) => adapter.id === id) || null;
}

export function adapterForHost(host) {
  return ADAPTERS.find((adapter) => adapter.hosts.includes(host)) || null;
}

// Every host a rule's requests may go to (page hosts and API hosts), for webRequest filters.
export function requestHosts() {
  const hosts = new Set();
  for (const adapter of ADAPTERS) {
    adapter.hosts.forEach((host) => hosts.add(host));
    adapter.rules.forEach((rule) => (rule.hosts || []).forEach((host) => hosts.add(host)));
  }
  return [...hosts];
}

// Whether a rule reads a request header (a spec `{ in: 'header' }` anywhere in it).
export function readsHeaders(value) {
  if (Array.isArray(value)) return value.some(readsHeaders);
  if (!value || typeof value !== 'object') return false;
  return value.in === 'header' || Object.values(value).some(readsHeaders);
}

// The hosts of the rules that read a header: the only requests whose headers the webRequest
// backup needs (Chromium then sends no onSendHeaders event for the others).
export function headerHosts() {
  const hosts = new Set();
  for (const adapter of ADAPTERS) {
    adapter.rules.filter(readsHeaders).forEach((rule) => (rule.hosts || adapter.hosts).forEach((host) => hosts.add(host)));
  }
  return [...hosts];
}
