// The extension's side of native-messaging pairing: what it takes from the host's answer.
import assert from 'node:assert/strict';
import test from 'node:test';

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
