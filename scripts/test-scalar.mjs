// Runs the core's tests under Node, Bun and Deno with Wasm SIMD turned off, so hosts/wasm/load.ts
// must fall back to the scalar build (test/core-builds.test.ts fails if it did not). Node and
// Deno have no switch for SIMD itself: V8 on x64 offers Wasm SIMD only with SSE4.1, so denying it
// SSE4.1 turns SIMD off. Bun (JavaScriptCore) has an option for it.
import { execFileSync } from 'node:child_process';

const files = process.argv.slice(2).length ? process.argv.slice(2) : [
  'test/core-builds.test.ts',
  'test/framer.test.ts',
  'test/codec.test.ts',
  'test/crc32c.test.ts',
  'test/wire.test.ts',
  'test/rules.test.ts',
  'test/fsm.test.ts',
  'test/simulation.test.ts',
];
const env = { ...process.env, ISCSI_CORE_BUILD_EXPECT: 'scalar' };
const run = (label, cmd, args, extra = {}) => {
  console.log(`--- ${label}, Wasm SIMD off`);
  execFileSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extra } });
};
// vitest's workers do not inherit node's own V8 flags: they get theirs through --execArgv.
run('node', 'node', [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--pool=forks',
  '--execArgv=--no-enable-sse4-1',
  ...files,
]);
run('bun', 'node_modules/.bin/bun', ['test', '--conditions', 'iscsi-src', '--timeout', '60000', ...files], {
  BUN_JSC_useWasmSIMD: '0',
});
run('deno', 'node_modules/.bin/deno', [
  'test',
  '--v8-flags=--no-enable-sse4-1',
  '--allow-net',
  '--allow-env',
  '--allow-run',
  '--allow-read',
  '--allow-write',
  '--allow-sys',
  '--sanitize-ops',
  '--sanitize-resources',
  ...files,
]);
