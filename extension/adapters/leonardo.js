// Leonardo: the GraphQL mutation Generate (legacy CreateSDGenerationJob) at api.leonardo.ai.
// A Generate whose parameters carry a duration is a video model (Kling, Seedance, ...):
// `quantity` videos of `duration` seconds, never images.
export default {
  id: 'leonardo',
  name: 'Leonardo',
  counts: 'images; videos (video models)',
  hosts: ['app.leonardo.ai'],
  rules: [
    {
      id: 'generate',
      method: 'POST',
      hosts: ['api.leonardo.ai'],
      path: '^/v1/graphql$',
      transport: 'fetch',
      kind: 'image',
      requires: [{ in: 'request', path: 'operationName', oneOf: ['Generate', 'CreateSDGenerationJob'] }],
      // GraphQL answers errors with 200.
      skipIf: [{ in: 'response', path: 'errors' }],
      model: [
        { in: 'request', path: 'variables.request.model' },
        { in: 'request', path: 'variables.arg1.modelId' },
      ],
      count: [
        { in: 'request', path: 'variables.request.parameters.quantity' },
        { in: 'request', path: 'variables.arg1.num_images' },
      ],
      countDefault: 1,
      variants: [
        {
          when: { in: 'request', path: 'variables.request.parameters.duration' },
          kind: 'video',
          seconds: [{ in: 'request', path: 'variables.request.parameters.duration' }],
        },
      ],
    },
  ],
  exclude: [],
};
