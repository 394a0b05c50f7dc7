// The adapter table: one line per site. Adding a site = a module in this folder, its
// fixtures in tests/extension/fixtures/<id>/, a section in docs/sites.md and one line here.
// Read it as `Object.values(await import('./adapters/index.js'))` (see registry.js).
export { default as chatgpt } from './chatgpt.js';
export { default as claude } from './claude.js';
export { default as gemini } from './gemini.js';
export { default as copilot } from './copilot.js';
export { default as perplexity } from './perplexity.js';
export { default as mistral } from './mistral.js';
export { default as deepseek } from './deepseek.js';
export { default as midjourney } from './midjourney.js';
export { default as bing } from './bing.js';
export { default as leonardo } from './leonardo.js';
export { default as ideogram } from './ideogram.js';
export { default as firefly } from './firefly.js';
