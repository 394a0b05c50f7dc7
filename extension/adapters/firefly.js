// Adobe Firefly: partner models via firefly-3p.ff.adobe.io, images at
// v2/3p-images/generate-async and videos (Veo, Kling, Sora 2) at v2/3p-videos/generate-async;
// the model is modelVersion (modelId is only the family). Adobe's own models via
// firefly-api.adobe.io v3 generate-async: a guess, same shape.
const MODEL = [
  { in: 'request', path: 'modelVersion' },
  { in: 'request', path: 'modelId' },
];

export default {
  id: 'firefly',
  name: 'Adobe Firefly',
  counts: 'images; videos (partner models)',
  hosts: ['firefly.adobe.com'],
  rules: [
    {
      id: 'partner-generate',
      method: 'POST',
      hosts: ['firefly-3p.ff.adobe.io'],
      path: '^/v2/3p-images/generate-async$',
      transport: 'fetch',
      kind: 'image',
      model: MODEL,
      count: [{ in: 'request', path: 'n' }],
      countDefault: 1,
    },
    {
      id: 'partner-video',
      method: 'POST',
      hosts: ['firefly-3p.ff.adobe.io'],
      path: '^/v2/3p-videos/generate-async$',
      transport: 'fetch',
      kind: 'video',
      model: MODEL,
      count: [{ in: 'request', path: 'n' }],
      countDefault: 1,
      seconds: [
        { in: 'request', path: 'modelSpecificPayload.parameters.durationSeconds' },
        { in: 'request', path: 'duration' },
      ],
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
