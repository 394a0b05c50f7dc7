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
