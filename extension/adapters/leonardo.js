// Leonardo: the GraphQL mutation Generate (legacy CreateSDGenerationJob) at api.leonardo.ai.
export default {
  id: 'leonardo',
  name: 'Leonardo',
  counts: 'images',
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
    },
  ],
  exclude: [],
};
