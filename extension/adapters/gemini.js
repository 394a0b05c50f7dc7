// Gemini: the StreamGenerate XHR (form body f.req, answer prefixed with )]}'), also under an
// account prefix /u/N/ when several Google accounts are signed in. In the last frame's first
// candidate: generated images at [12][7][0], image edits at [12][0]["8"][0], a Veo video at
// [12][59][0][0][0] (its URLs at [0][7]); a reply with a video is a video, not images.
export default {
  id: 'gemini',
  name: 'Gemini',
  counts: 'prompts; generated or edited images; videos (Veo)',
  hosts: ['gemini.google.com'],
  rules: [
    {
      id: 'stream-generate',
      method: 'POST',
      path: '^(?:/u/\\d+)?/_/BardChatUi/data/assistant\\.lamda\\.BardFrontendService/StreamGenerate$',
      transport: 'xhr',
      kind: 'prompt',
      // Element 4 of this header is a hash naming the model the user picked.
      model: [{ in: 'header', name: 'x-goog-ext-525001261-jspb', path: '4' }],
      videos: {
        count: [{ in: 'frames', path: '4.0.12.59.0.0.0.0.7.1', matches: '^https?://', last: true, as: 1 }],
      },
      images: {
        count: [
          { in: 'frames', path: '4.0.12.7.0', length: true, last: true },
          { in: 'frames', path: '4.0.12.0.8.0', length: true, last: true },
        ],
      },
    },
  ],
  // batchexecute (any account prefix) carries ESY5D (sent before every generate) and
  // listing/reading calls.
  exclude: ['/batchexecute$'],
};
