// Bing Image Creator: POST /images/create redirects to a results page that is polled with
// GET /images/create/async/results/{id}; the first poll with images counts them (up to 4),
// later polls of the same id are deduplicated by that id.
export default {
  id: 'bing',
  name: 'Bing Image Creator',
  counts: 'images, not later polls',
  hosts: ['www.bing.com'],
  rules: [
    {
      id: 'results',
      method: 'GET',
      path: '^/images/create/async/results/[^/]+$',
      transport: 'fetch',
      kind: 'image',
      // The webRequest backup cannot see how many images a poll holds (empty polls are 2xx too).
      backup: false,
      count: [{ in: 'responseText', regex: '/th/id/(OI[A-Za-z0-9._-]+)', max: 4 }],
      model: [{ in: 'query', name: 'mdl' }],
      dedupe: { in: 'path', regex: '/results/([^/]+)$' },
    },
  ],
  exclude: ['^/images/create$'],
};
