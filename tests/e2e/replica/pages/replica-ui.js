'use strict';
// What the replica pages share: the prompt box, the reply area, and figures the tests read.
// #reply data-finished counts finished sends (ok or not) so a test can wait for the Nth;
// data-first-byte-ms / data-total-ms time the last send from the click, and
// data-request-first-byte-ms from the counted request itself (for the overhead benchmark).
window.replicaUI = {
  bind(buttonId, send) {
    document.getElementById(buttonId).addEventListener('click', async () => {
      const reply = document.getElementById('reply');
      const box = document.getElementById('prompt');
      const text = box.value;
      box.value = '';  // as the real sites do once a prompt is sent
      reply.dataset.state = 'busy';
      reply.textContent = '';
      this.started = performance.now();
      this.firstByte = null;
      this.requestStart = null;
      try {
        await send(text);
        reply.dataset.state = 'done';
      } catch (error) {
        reply.dataset.state = 'error';
        reply.dataset.error = String(error.message || error);
      }
      reply.dataset.firstByteMs = String((this.firstByte ?? performance.now()) - this.started);
      reply.dataset.totalMs = String(performance.now() - this.started);
      if (this.requestStart !== null && this.firstByte !== null) {
        reply.dataset.requestFirstByteMs = String(this.firstByte - this.requestStart);
      }
      reply.dataset.finished = String(Number(reply.dataset.finished || 0) + 1);
    });
  },
  sendingCountedRequest() {
    this.requestStart = performance.now();
  },
  gotBytes() {
    if (this.firstByte === null) this.firstByte = performance.now();
  },
  show(text) {
    document.getElementById('reply').append(text);
  },
  // Reads a text/event-stream body the way the sites' clients do: fetch, getReader, split on
  // blank lines. Calls onEvent(name, data) for each event.
  async readEventStream(response, onEvent) {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const {done, value} = await reader.read();
      if (done) break;
      this.gotBytes();
      buffer += decoder.decode(value, {stream: true});
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = null;
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        onEvent(name, data.join('\n'));
      }
    }
  },
};
