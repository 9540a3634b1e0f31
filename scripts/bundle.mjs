// Builds the published JavaScript: dist/{node,deno,bun}.mjs (the library per runtime; Deno will
// not run TypeScript from node_modules), dist/web.mjs with dist/core.wasm beside it (the browser
// host; built for the browser platform, so a Node built-in anywhere in it fails the build),
// dist/target.mjs (the own target), dist/cli.mjs (the command).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };
for (const rt of ['node', 'deno', 'bun']) {
  await build({ ...common, entryPoints: [`hosts/${rt}/mod.ts`], outfile: `dist/${rt}.mjs` });
}
const web = await build({
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  logLevel: 'warning',
  metafile: true,
  entryPoints: ['hosts/web/mod.ts'],
  outfile: 'dist/web.mjs',
});
const nodeOnly = Object.keys(web.metafile.inputs).filter((f) => f.startsWith('node:') || f.includes('hosts/node/'));
if (nodeOnly.length) throw new Error(`dist/web.mjs would carry Node-only code: ${nodeOnly.join(', ')}`);
// The SIMD build, for loadCore(): the very bytes the bundle embeds (checked against the source by
// scripts/embed-wasm.mjs --check), so a fresh clone needs no compiler to bundle.
const embedded = readFileSync('hosts/wasm/core-wasm.ts', 'utf8');
writeFileSync('dist/core.wasm', Buffer.from(/CORE_WASM_BASE64 =\s*'([^']+)'/.exec(embedded)[1], 'base64'));
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
