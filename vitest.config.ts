import { defineConfig } from 'vitest/config';

// vitest resolves imports itself, so the runtime's own export condition must be named here
// (vitest resolves imports itself and ignores the runtime's own condition); 'iscsi-src' points Node at the TypeScript.
const runtime = (globalThis as { Deno?: unknown }).Deno
  ? 'deno'
  : (globalThis as { Bun?: unknown }).Bun
  ? 'bun'
  : 'node';
export default defineConfig({
  ssr: { resolve: { conditions: [runtime, 'iscsi-src', 'module', 'default'], externalConditions: [runtime] } },
  test: {
    include: ['test/**/*.test.ts', 'test/browser/*.browser.ts'],
    testTimeout: 60000,
    hookTimeout: 60000,
    fileParallelism: false,
  },
});
