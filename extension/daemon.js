// Checks a daemon URL and token the way the queue will use them: first that the daemon is
// this user's own (daemonProves), then GET /api/v1/summary with the Bearer token. Returns
// {state: 'connected' | 'unauthorized' | 'offline' | 'invalid'}; when connected also today's
// summary (every browser's) and the profile and location the daemon computes with, so the
// popup's own figures match the dashboard's.
import { normalizeDaemonUrl } from './settings.js';

const PROOF_TIMEOUT_MS = 10000;

function randomChallenge() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function hmacHex(key, text) {
  const encoder = new TextEncoder();
  const secret = await crypto.subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' },
    false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', secret, encoder.encode(text));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

// Before the token leaves the extension: does the daemon at `origin` know it? It answers
// GET /api/v1/health?challenge=C with HMAC-SHA256(token, "aifootprint-proof:PORT:C")
// (daemon/server/security.py, daemon_proof). A program holding a remembered port (another
// account's, while this user's daemon is stopped) cannot, so it never sees the token.
// 'proven', 'refused' (it answers, but is not ours) or 'offline'.
export async function daemonProves(fetch, origin, token) {
  const challenge = randomChallenge();
  let answer;
  try {
    const response = await fetch(`${origin}/api/v1/health?challenge=${challenge}`,
      { signal: AbortSignal.timeout(PROOF_TIMEOUT_MS) });
    if (!response.ok) return 'refused';
    answer = await response.json().catch(() => ({}));
  } catch {
    return 'offline';
  }
  const port = new URL(origin).port || '80';
  const expected = await hmacHex(token, `aifootprint-proof:${port}:${challenge}`);
  return answer && answer.proof === expected ? 'proven' : 'refused';
}

export async function checkDaemon(fetch, url, token) {
  const origin = normalizeDaemonUrl(url);
  if (!origin || !token) return { state: 'invalid' };
  const proof = await daemonProves(fetch, origin, token);
  if (proof !== 'proven') return { state: proof === 'offline' ? 'offline' : 'unauthorized' };
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
