// Adobe Firefly: partner models via firefly-3p.ff.adobe.io (read in public code); Adobe's
// own models via firefly-api.adobe.io v3 generate-async (a guess, same shape).
export default {
  id: 'firefly',
  name: 'Adobe Firefly',
  counts: 'images',
  hosts: ['firefly.adobe.com'],
  rules: [
    {
      id: 'partner-generate',
      method: 'POST',
      hosts: ['firefly-3p.ff.adobe.io'],
      path: '^/v2/3p-images/generate-async$',
      transport: 'fetch',
      kind: 'image',
      model: [
        { in: 'request', path: 'modelId' },
        { in: 'request', path: 'modelVersion' },
      ],
      count: [{ in: 'request', path: 'n' }],
      countDefault: 1,
    },
    {
      id: 'firefly-generate',
      method: 'POST',
      hosts: ['firefly-api.adobe.io'],
      path: '^/v3/images/generate-async$',
      transport: 'fetch',
      kind: 'image',
      model: [{ in: 'request', path: 'modelVersion' }],
      count: [{ in: 'request', path: 'numVariations' }],
      countDefault: 1,
    },
  ],
  exclude: [],
};
