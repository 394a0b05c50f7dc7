// ChatGPT: one prompt per conversation POST that answers 2xx (an SSE stream); image turns
// (system_hints picture_v2) count the distinct image assets in the stream instead.
export default {
  id: 'chatgpt',
  name: 'ChatGPT',
  counts: 'prompts; generated images',
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
        { in: 'stream', path: ['message.metadata.resolved_model_slug', 'v.message.metadata.resolved_model_slug'] },
        { in: 'stream', path: ['message.metadata.model_slug', 'v.message.metadata.model_slug'] },
        { in: 'request', path: 'model' },
      ],
      images: {
        when: { in: 'request', path: 'system_hints', contains: 'picture_v2' },
        count: [
          {
            in: 'stream',
            path: ['message.content.parts[].asset_pointer', 'v.message.content.parts[].asset_pointer'],
            distinct: true,
          },
        ],
        // The new image tool may deliver the asset later (GET /conversation/{id}): one image.
        fallback: 1,
      },
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
