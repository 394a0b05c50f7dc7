// Mistral Le Chat: POST /api/chat (mode start, append or retry; a retry is a regeneration).
// message.newChat is not counted: it is followed by /api/chat for the same first message.
export default {
  id: 'mistral',
  name: 'Mistral Le Chat',
  counts: 'prompts, retries (marked regenerated)',
  hosts: ['chat.mistral.ai'],
  rules: [
    {
      id: 'chat',
      method: 'POST',
      path: '^/api/chat$',
      transport: 'fetch',
      kind: 'prompt',
      regeneratedIf: { in: 'request', path: 'mode', equals: 'retry' },
      // Not seen in the request so far; kept in case the site sends it.
      model: [{ in: 'request', path: 'model' }],
    },
  ],
  exclude: ['^/api/trpc/', '/telemetry', '^/api/event'],
};
