// Mistral Le Chat: POST /api/chat (mode start or append). message.newChat is not counted:
// it is followed by /api/chat for the same first message.
export default {
  id: 'mistral',
  name: 'Mistral Le Chat',
  counts: 'prompts',
  hosts: ['chat.mistral.ai'],
  rules: [
    {
      id: 'chat',
      method: 'POST',
      path: '^/api/chat$',
      transport: 'fetch',
      kind: 'prompt',
      // Not seen in the request so far; kept in case the site sends it.
      model: [{ in: 'request', path: 'model' }],
    },
  ],
  exclude: ['^/api/trpc/', '/telemetry', '^/api/event'],
};
