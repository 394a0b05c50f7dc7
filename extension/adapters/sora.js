// Sora (sora.chatgpt.com): POST /backend/nf/create (and /backend/nf/create/storyboard) with
// kind "video": one video of n_frames frames at 30 per second (300 = 10 s, 450 = 15 s,
// 750 = 25 s), model sy_8 or sy_ore. POST /backend/video_gen with type image_gen makes
// n_variants images. Polling (/backend/nf/pending, drafts, the feed) counts nothing.
export default {
  id: 'sora',
  name: 'Sora',
  counts: 'videos (with their length); images',
  hosts: ['sora.chatgpt.com'],
  rules: [
    {
      id: 'create',
      method: 'POST',
      path: '^/backend/nf/create(?:/storyboard)?$',
      transport: 'fetch',
      kind: 'video',
      requires: [{ in: 'request', path: 'kind', equals: 'video' }],
      model: [{ in: 'request', path: 'model' }],
      count: [{ in: 'request', path: 'n_variants' }],
      countDefault: 1,
      seconds: [{ in: 'request', path: 'n_frames', divide: 30 }],
    },
    {
      id: 'image-gen',
      method: 'POST',
      path: '^/backend/video_gen$',
      transport: 'fetch',
      kind: 'image',
      requires: [{ in: 'request', path: 'type', equals: 'image_gen' }],
      count: [{ in: 'request', path: 'n_variants' }],
      countDefault: 1,
    },
  ],
  exclude: ['^/backend/nf/pending', '^/backend/project_y/'],
};
