// Perplexity: the perplexity_ask SSE POST. A retry carries try-number > 1 and the same
// frontend_uuid, so it neither counts nor doubles.
export default {
  id: 'perplexity',
  name: 'Perplexity',
  site: 'Perplexity (www.perplexity.ai)',
  counts: 'prompts, not retries',
  hosts: ['www.perplexity.ai', 'perplexity.ai'],
  rules: [
    {
      id: 'ask',
      method: 'POST',
      path: '^/rest/sse/perplexity_ask$',
      transport: 'fetch',
      kind: 'prompt',
      skipIf: [{ in: 'header', name: 'x-perplexity-request-try-number', gt: 1 }],
      model: [
        { in: 'request', path: 'params.model_preference' },
        { in: 'request', path: 'params.mode' },
      ],
      dedupe: { in: 'request', path: 'params.frontend_uuid' },
    },
  ],
  exclude: [],
};
