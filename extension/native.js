// Pairing through the browser's native messaging: the browser itself starts AI Footprint's
// small host program as the logged-in user (registered per user by `aifootprint run` or
// `aifootprint pair-browser`; only this extension may start it), which answers with the
// address of that user's own daemon and the extension's token. No page, no typing, and
// never another user's daemon. Without a registered host the call fails and the
// extension keeps its settings: pairing by hand (options page, /pair) still works.
// Chrome: https://developer.chrome.com/docs/extensions/reference/api/runtime#method-sendNativeMessage
// Firefox: https://developer.mozilla.org/en-US/docs/Mozilla/Add-ons/WebExtensions/API/runtime/sendNativeMessage
import { normalizeDaemonUrl } from './settings.js';

export const NATIVE_HOST = 'nl.aifootprint.pairing'; // desktop/native_registration.py
const MIN_TOKEN_CHARS = 32;

// {url, token} from the host, or null (no host, no permission, or an answer not to trust).
export async function askNativeHost(runtime) {
  if (!runtime || typeof runtime.sendNativeMessage !== 'function') return null;
  let reply;
  try {
    reply = await runtime.sendNativeMessage(NATIVE_HOST, { type: 'pair' });
  } catch {
    return null;
  }
  const url = normalizeDaemonUrl(reply && reply.url);
  const token = reply && reply.token;
  if (!url || typeof token !== 'string' || token.length < MIN_TOKEN_CHARS) return null;
  return { url, token };
}
