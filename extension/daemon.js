// Checks a daemon URL and token the way the queue will use them: GET /api/v1/summary with
// the Bearer token. Returns {state: 'connected' | 'unauthorized' | 'offline' | 'invalid'};
// when connected also today's summary (every browser's) and the profile and location the
// daemon computes with, so the popup's own figures match the dashboard's.
import { normalizeDaemonUrl } from './settings.js';

export async function checkDaemon(fetch, url, token) {
  const origin = normalizeDaemonUrl(url);
  if (!origin || !token) return { state: 'invalid' };
  try {
    const response = await fetch(`${origin}/api/v1/summary`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10000),
    });
    if (response.ok) {
      const summary = await response.json().catch(() => ({}));
      return { state: 'connected', url: origin, profile: summary.profile, location: summary.location, summary };
    }
    if (response.status === 401 || response.status === 403) return { state: 'unauthorized' };
    return { state: 'offline', error: `HTTP ${response.status}` };
  } catch (failure) {
    return { state: 'offline', error: String(failure && failure.message) };
  }
}
