// Microsoft Copilot: a WebSocket; each outgoing {"event":"send"} frame is a prompt and each
// incoming {"event":"imageGenerated"} an image (generatingImage and partials are not).
export default {
  id: 'copilot',
  name: 'Microsoft Copilot',
  site: 'Microsoft Copilot (copilot.microsoft.com), over a WebSocket',
  counts: 'prompts; generated images',
  hosts: ['copilot.microsoft.com'],
  rules: [
    {
      id: 'chat-socket',
      path: '^/c/api/chat$',
      transport: 'websocket',
      backup: false,
      frames: [
        {
          direction: 'send',
          when: { in: 'frame', path: 'event', equals: 'send' },
          kind: 'prompt',
          model: [{ in: 'frame', path: 'mode' }],
        },
        {
          direction: 'receive',
          when: { in: 'frame', path: 'event', equals: 'imageGenerated' },
          kind: 'image',
          count: 1,
        },
      ],
    },
  ],
  exclude: [],
};
