// Builds the published JavaScript: dist/{node,deno,bun}.mjs (the library per runtime; Deno will
// not run TypeScript from node_modules), dist/target.mjs (the own target), dist/cli.mjs (the command).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };
for (const rt of ['node', 'deno', 'bun']) {
  await build({ ...common, entryPoints: [`hosts/${rt}/mod.ts`], outfile: `dist/${rt}.mjs` });
}
await build({ ...common, entryPoints: ['target/target.ts'], outfile: 'dist/target.mjs' });
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await build({
  ...common,
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/cli.mjs',
  banner: { js: '#!/usr/bin/env node' },
  // The bridge's WebSocket server is a dependency installed beside us, not copied in (CommonJS).
  external: ['ws'],
  define: { __VERSION__: JSON.stringify(version) },
});
