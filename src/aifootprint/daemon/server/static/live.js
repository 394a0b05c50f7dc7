// Follows the daemon's GET /api/v1/live (server-sent events): calls onChange() for each
// `changed` event (the first comes as the stream opens, so a reconnect re-reads too) and
// reconnects RETRY_MS after the stream ends. fetch rather than EventSource because
// EventSource cannot send the Authorization header
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#the-eventsource-interface:
// only a URL and withCredentials); a fetch to the page's own origin also sends its
// cookies, so the same code keeps working behind a session cookie.
// The popup and the dashboard use it (scripts/sync_shared.py copies it to the dashboard).
const RETRY_MS = 2000;

// The `changed` events in a piece of the stream; returns what is left of an unfinished one.
export function parseEvents(buffer, onChange) {
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop();
  for (const block of blocks) {
    if (block.split(/\r?\n/).some((line) => /^event:\s*changed\s*$/.test(line))) onChange();
  }
  return rest;
}

export function followChanges({ url, token, onChange, fetch = globalThis.fetch }) {
  const stop = new AbortController();
  const headers = token ? { Authorization: `Bearer ${token}` } : {};

  async function once() {
    const response = await fetch(`${url}/api/v1/live`, { headers, signal: stop.signal, cache: 'no-store' });
    if (!response.ok || !response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = parseEvents(buffer + value, onChange);
    }
  }

  (async () => {
    while (!stop.signal.aborted) {
      await once().catch(() => {}); // the daemon stopped or is not there yet
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  })();
  return () => stop.abort();
}
