// Gemini: the StreamGenerate XHR (form body f.req, answer prefixed with )]}'). Images: the
// last frame's candidate[12][7][0] list.
export default {
  id: 'gemini',
  name: 'Gemini',
  counts: 'prompts; generated images',
  hosts: ['gemini.google.com'],
  rules: [
    {
      id: 'stream-generate',
      method: 'POST',
      path: '^/_/BardChatUi/data/assistant\\.lamda\\.BardFrontendService/StreamGenerate$',
      transport: 'xhr',
      kind: 'prompt',
      // Element 4 of this header is a hash naming the model the user picked.
      model: [{ in: 'header', name: 'x-goog-ext-525001261-jspb', path: '4' }],
      images: {
        count: [{ in: 'frames', path: '4.0.12.7.0', length: true, last: true }],
      },
    },
  ],
  // batchexecute carries ESY5D (sent before every generate) and listing/reading calls.
  exclude: ['/batchexecute$'],
};
