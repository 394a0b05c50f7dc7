// DeepSeek: completion, regenerate and edit_message each generate an answer (XHR, SSE).
export default {
  id: 'deepseek',
  name: 'DeepSeek',
  counts: 'prompts, regenerations, edits',
  hosts: ['chat.deepseek.com'],
  rules: [
    {
      id: 'completion',
      method: 'POST',
      path: '^/api/v0/chat/(?:completion|regenerate|edit_message)$',
      transport: 'xhr',
      kind: 'prompt',
      regeneratedIf: { in: 'path', regex: '/regenerate$' },
      model: [
        { in: 'request', path: 'model_type' },
        { in: 'request', path: 'thinking_enabled', map: { true: 'deepseek-reasoner', false: 'deepseek-chat' } },
      ],
    },
  ],
  exclude: [
    '/create_pow_challenge$',
    '/chat_session/create$',
    '/chat/resume_stream$',
    '/chat/continue$',
    '/history_messages',
  ],
};
