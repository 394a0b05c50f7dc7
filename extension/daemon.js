// Checks a daemon URL and token the way the queue will use them: GET /api/v1/summary with
// the Bearer token. Returns {state: 'connected' | 'unauthorized' | 'offline' | 'invalid'}.
import { normalizeDaemonUrl } from './settings.js';

export async function checkDaemon(fetch, url, token) {
  const origin = normalizeDaemonUrl(url);
  if (!origin || !token) return { state: 'invalid' };
  try {
    const response = await fetch(`${origin}/api/v1/summary`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10000),
    });
    if (response.ok) return { state: 'connected', url: origin };
    if (response.status === 401 || response.status === 403) return { state: 'unauthorized' };
    return { state: 'offline', error: `HTTP ${response.status}` };
  } catch (failure) {
    return { state: 'offline', error: String(failure && failure.message) };
  }
}
