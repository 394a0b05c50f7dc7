// Claude: the completion POST (SSE); retry_completion is a regeneration.
export default {
  id: 'claude',
  name: 'Claude',
  counts: 'prompts, regenerations',
  hosts: ['claude.ai'],
  rules: [
    {
      id: 'completion',
      method: 'POST',
      path: '^/api/organizations/[^/]+/chat_conversations/[^/]+/(?:completion|retry_completion)$',
      transport: 'fetch',
      kind: 'prompt',
      regeneratedIf: { in: 'path', regex: '/retry_completion$' },
      model: [
        { in: 'request', path: 'model' },
        { in: 'stream', path: 'message.model' },
      ],
    },
  ],
  exclude: ['/chat_conversations/[^/]+/title$', '/chat_conversations$', '/chat_conversations/[^/]+$'],
};
