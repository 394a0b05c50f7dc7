// The extension's side of pairing: what it takes from the native host's answer, and the
// proof a daemon gives before the extension sends it the token.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import test from 'node:test';

import { checkDaemon, daemonProves } from '../../extension/daemon.js';
import { askNativeHost, NATIVE_HOST } from '../../extension/native.js';

const TOKEN = 'k'.repeat(43);

function runtime(reply) {
  const asked = [];
  return {
    asked,
    sendNativeMessage: async (host, message) => {
      asked.push([host, message]);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
}

test('a_loopback_answer_with_a_token_pairs', async () => {
  const browser = runtime({ url: 'http://127.0.0.1:47475', token: TOKEN, running: true });
  assert.deepEqual(await askNativeHost(browser), { url: 'http://127.0.0.1:47475', token: TOKEN });
  assert.deepEqual(browser.asked, [[NATIVE_HOST, { type: 'pair' }]]);
});

test('no_host_or_no_permission_leaves_the_settings_alone', async () => {
  assert.equal(await askNativeHost(runtime(new Error('Specified native messaging host not found.'))), null);
  assert.equal(await askNativeHost({}), null); // no nativeMessaging permission
});

test('an_answer_naming_another_machine_or_a_short_token_is_refused', async () => {
  for (const reply of [{ url: 'http://evil.example:47474', token: TOKEN },
    { url: 'https://127.0.0.1:47474', token: TOKEN }, { url: 'http://127.0.0.1:47474', token: 'short' },
    { url: 'http://127.0.0.1:47474' }, null, 'text']) {
    assert.equal(await askNativeHost(runtime(reply)), null, JSON.stringify(reply));
  }
});

// ---- the daemon proves it is this user's before the token leaves (daemon.js) ----------

function daemonAt(proofFor) {
  // A real HTTP server on a free loopback port; records the Authorization headers it saw.
  const seen = [];
  const server = http.createServer((request, response) => {
    seen.push(request.headers.authorization || '');
    const url = new URL(request.url, 'http://127.0.0.1');
    const port = server.address().port;
    const body = url.pathname === '/api/v1/health'
      ? { status: 'ok', proof: proofFor(port, url.searchParams.get('challenge')) }
      : { prompts: 0, profile: 'report', location: 'NL' };
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen,
    origin: `http://127.0.0.1:${server.address().port}` })));
}

const proof = (token) => (port, challenge) =>
  createHmac('sha256', token).update(`aifootprint-proof:${port}:${challenge}`).digest('hex');

test('the_users_own_daemon_proves_itself_and_then_gets_the_token', async () => {
  const daemon = await daemonAt(proof(TOKEN));
  try {
    assert.equal(await daemonProves(fetch, daemon.origin, TOKEN), 'proven');
    assert.equal((await checkDaemon(fetch, daemon.origin, TOKEN)).state, 'connected');
    assert.deepEqual(daemon.seen, ['', '', `Bearer ${TOKEN}`]);
  } finally {
    daemon.server.close();
  }
});

test('a_squatter_on_the_remembered_port_never_sees_the_token', async () => {
  // It does not know the token; relaying the real daemon's proof fails too (another port).
  for (const forged of [() => 'f'.repeat(64), (port, challenge) => proof(TOKEN)(port + 1, challenge)]) {
    const squatter = await daemonAt(forged);
    try {
      assert.equal(await daemonProves(fetch, squatter.origin, TOKEN), 'refused');
      assert.equal((await checkDaemon(fetch, squatter.origin, TOKEN)).state, 'unauthorized');
      assert.ok(squatter.seen.every((header) => !header.includes(TOKEN)), squatter.seen.join());
    } finally {
      squatter.server.close();
    }
  }
  assert.equal(await daemonProves(fetch, 'http://127.0.0.1:9', TOKEN), 'offline');
});
