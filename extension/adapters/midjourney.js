// Midjourney: submit-jobs with t imagine/vary/upscale/pan; the answer's batch sizes are the
// images. 'video' jobs are not images.
export default {
  id: 'midjourney',
  name: 'Midjourney',
  site: 'Midjourney (www.midjourney.com)',
  counts: 'images (4 per imagine), not videos',
  hosts: ['www.midjourney.com', 'midjourney.com'],
  rules: [
    {
      id: 'submit-jobs',
      method: 'POST',
      path: '^/api/(?:app/)?submit-jobs$',
      transport: 'fetch',
      kind: 'image',
      skipIf: [{ in: 'request', path: 't', equals: 'video' }],
      model: [{ in: 'request', path: 'f.mode' }],
      count: [{ in: 'response', path: 'success[].meta.batch_size', sum: true }],
      // Without the answer (webRequest backup): imagine, vary and pan make a grid of 4.
      estimate: [{ in: 'request', path: 't', map: { imagine: 4, vary: 4, pan: 4, upscale: 1 } }],
    },
  ],
  exclude: [],
};
