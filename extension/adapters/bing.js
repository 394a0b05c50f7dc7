// Bing Image Creator: POST /images/create redirects to a results page that is polled with
// GET /images/create/async/results/{id}; the first poll with images counts the distinct
// generated images (ids OIG..., or any id served with pid=ImgGn), up to 4, never search
// thumbnails (OIP...). Bing Video Creator polls the same path: a poll with .mp4 results is
// videos, not images. Later polls of the same id are deduplicated by that id.
export default {
  id: 'bing',
  name: 'Bing Image Creator',
  counts: 'generated images (not search thumbnails); videos (Video Creator); not later polls',
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
      videos: { count: [{ in: 'responseText', regex: '(https?://[^"\'\\s<>]+?\\.mp4)\\b', max: 4 }] },
      count: [
        {
          in: 'responseText',
          regex: '(?:/th/id/|th\\?id=)(OIG[0-9]*\\.[A-Za-z0-9._-]+|[A-Za-z0-9._-]+(?=\\?[^"\'\\s<>]*pid=ImgGn))',
          max: 4,
        },
      ],
      model: [{ in: 'query', name: 'mdl' }],
      dedupe: { in: 'path', regex: '/results/([^/]+)$' },
    },
  ],
  exclude: ['^/images/create$'],
};
