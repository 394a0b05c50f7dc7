// Midjourney: one submit-jobs endpoint for t imagine, vary, remix, pan, reroll (a grid of
// 4 images), upscale (1) and video (videoType vid_1.1_i2v_*, a batch of --bs N videos,
// 4 when not given). A job refused in failure[] (nothing in success[]) counts nothing.
export default {
  id: 'midjourney',
  name: 'Midjourney',
  site: 'Midjourney (www.midjourney.com)',
  counts: 'images (4 per grid, 1 per upscale); videos (a batch per video job)',
  hosts: ['www.midjourney.com', 'midjourney.com'],
  rules: [
    {
      id: 'submit-jobs',
      method: 'POST',
      path: '^/api/(?:app/)?submit-jobs$',
      transport: 'fetch',
      kind: 'image',
      skipIf: [{ in: 'response', path: 'success', length: true, equals: 0 }],
      model: [{ in: 'request', path: 'f.mode' }],
      count: [{ in: 'request', path: 't', map: { imagine: 4, vary: 4, remix: 4, pan: 4, reroll: 4, upscale: 1 } }],
      variants: [
        {
          when: { in: 'request', path: 't', equals: 'video' },
          kind: 'video',
          count: [{ in: 'request', path: 'newPrompt', regex: '--bs\\s+(\\d+)' }],
          countDefault: 4,
        },
      ],
    },
  ],
  exclude: ['^/api/jobs-actions$'],
};
