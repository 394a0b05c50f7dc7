// Ideogram: POST /api/images/sample; num_images (the site's default is 4).
export default {
  id: 'ideogram',
  name: 'Ideogram',
  counts: 'images',
  hosts: ['ideogram.ai'],
  rules: [
    {
      id: 'sample',
      method: 'POST',
      path: '^/api/images/sample$',
      transport: 'fetch',
      kind: 'image',
      model: [{ in: 'request', path: 'model_version' }],
      count: [{ in: 'request', path: 'num_images' }],
      countDefault: 4,
    },
  ],
  exclude: ['^/api/gallery/'],
};
