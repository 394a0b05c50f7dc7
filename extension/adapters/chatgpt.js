// ChatGPT: one prompt per conversation POST that answers 2xx (an SSE stream). Image turns
// (system_hints picture_v2) count the distinct generated image assets (file-service:// or
// sediment://), whichever way they arrive: whole messages or patches in the stream; or, for
// an image task the stream only announces (image_gen_task_id), the celsius WebSocket's
// async-task-update-message or the polled conversation (1 counted at once, the rest when
// delivered). A stream handed off (stream_handoff) before naming its model is held until
// the WebSocket's turn stream names it (or 60 s). Sources per rule: docs/sites.md.
const ASSET = '^(?:file-service|sediment)://';
const MODEL_PATHS = [
  'message.metadata.resolved_model_slug',
  'v.message.metadata.resolved_model_slug',
  'message.metadata.model_slug',
  'v.message.metadata.model_slug',
];
// A delivered image message: counted once it is finished, by its distinct image assets.
const SETTLES = {
  id: 'id',
  done: { path: 'status', equals: 'finished_successfully' },
  count: { path: 'content.parts[].asset_pointer', matches: ASSET },
};

export default {
  id: 'chatgpt',
  name: 'ChatGPT',
  counts: 'prompts; generated images (stream, WebSocket or polled task)',
  hosts: ['chatgpt.com', 'chat.openai.com'],
  rules: [
    {
      id: 'conversation',
      method: 'POST',
      path: '^/backend-(?:api|anon)/(?:f/)?conversation$',
      transport: 'fetch',
      kind: 'prompt',
      // 'continue' finishes a cut-off answer: not a new prompt. 'variant' regenerates.
      skipIf: [{ in: 'request', path: 'action', equals: 'continue' }],
      regeneratedIf: { in: 'request', path: 'action', equals: 'variant' },
      // The request's 'model' is the user's pick and may be 'auto'; the stream says which ran.
      model: [
        { in: 'stream', path: MODEL_PATHS.slice(0, 2) },
        { in: 'stream', path: MODEL_PATHS.slice(2) },
        { in: 'request', path: 'model' },
      ],
      // The rest of a handed-off turn comes over the WebSocket topic named in its options.
      handoff: {
        when: { in: 'stream', path: 'type', matches: '^stream_handoff$', equals: 'stream_handoff' },
        key: { in: 'stream', path: 'options[].topic_id' },
        ms: 60000,
      },
      images: {
        when: { in: 'request', path: 'system_hints', contains: 'picture_v2' },
        count: [
          {
            in: 'stream',
            path: ['message.content.parts[].asset_pointer', 'v.message.content.parts[].asset_pointer'],
            patch: '^/message/content/parts/\\d+/asset_pointer$',
            matches: ASSET,
            distinct: true,
          },
        ],
        // A finished tool message with an image_gen_task_id: the images come later.
        pending: { in: 'stream', path: ['message', 'v.message'], having: 'metadata.image_gen_task_id', pick: 'id' },
        // No asset and no task in the stream: no delivery path seen, one image.
        fallback: 1,
      },
    },
    {
      // The user's socket (its URL comes from GET /backend-api/celsius/ws/user).
      id: 'celsius-socket',
      // ws.chatgpt.com in public clients (wss://ws.chatgpt.com/ws/user/{id}?verify=...,
      // .../p18/ws/user); pubsub.chatgpt.com only in one client's tests.
      hosts: ['chatgpt.com', 'ws.chatgpt.com', 'pubsub.chatgpt.com'],
      path: '^/',
      transport: 'websocket',
      backup: false,
      frames: [
        {
          direction: 'receive',
          when: [
            { in: 'frame', path: 'type', equals: 'conversation-update' },
            { in: 'frame', path: 'payload.update_type', equals: 'async-task-update-message' },
          ],
          settles: { from: { in: 'frame', path: 'payload.update_content.message' }, ...SETTLES },
        },
        {
          direction: 'receive',
          when: [
            { in: 'frame', path: 'type', equals: 'message' },
            { in: 'frame', path: 'payload.type', equals: 'conversation-turn-stream' },
          ],
          releases: {
            key: { in: 'frame', path: 'topic_id' },
            model: [{ in: 'frame', path: 'payload.payload.encoded_item', decode: 'sse', then: MODEL_PATHS }],
          },
        },
      ],
    },
    {
      // Polling the conversation for an announced image task; read only while one is open.
      id: 'task-poll',
      method: 'GET',
      path: '^/backend-api/conversation/[0-9A-Za-z-]+$',
      transport: 'fetch',
      kind: 'image',
      backup: false,
      settles: { from: { in: 'response', path: 'mapping.*.message' }, ...SETTLES },
    },
  ],
  // Known POSTs that never count (also keeps them out of the broken-adapter warning).
  exclude: [
    '/sentinel/',
    '/conversation/prepare$',
    '/conversation/resume$',
    '/conversation/init$',
    '/stream_status$',
    '/gen_title/',
    '/moderations$',
    '^/ces/',
    'feedback$',
    '/textdocs',
  ],
};
