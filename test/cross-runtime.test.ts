// The same calls give the same actions, byte for byte, on Node, Deno and Bun: a seeded
// simulation runs here and in the other two runtimes, and the hashes of the action logs match.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { simulate } from './helpers/simulation.ts';
import { runtime } from './helpers/env.ts';

const root = resolve(new URL('..', import.meta.url).pathname);
const SEEDS = [1, 2, 20261123];

function elsewhere(rt: 'node' | 'deno' | 'bun'): { hash: string; actions: number; unfinished: number }[] {
  const main = join(root, 'test/helpers/simulate-main.ts');
  const seeds = SEEDS.map(String);
  if (rt === 'node') {
    const out = join(root, 'build/simulate-main.mjs');
    execFileSync(join(root, 'node_modules/.bin/esbuild'), [
      main,
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--outfile=${out}`,
      '--log-level=warning',
    ]);
    return JSON.parse(execFileSync('node', [out, ...seeds]).toString());
  }
  const cmd = rt === 'deno' ? ['run', '--quiet', main, ...seeds] : [main, ...seeds];
  return JSON.parse(execFileSync(join(root, 'node_modules/.bin', rt), cmd, { cwd: root }).toString());
}

describe('determinism across runtimes', () => {
  const here = SEEDS.map((s) => simulate(s));
  it('a run is not trivial and repeats exactly in the same runtime', () => {
    for (const h of here) expect(h.actions).toBeGreaterThan(500);
    for (const h of here) expect(h.unfinished).toBe(0); // once every timer has fired, every operation ended
    expect(SEEDS.map((s) => simulate(s))).toEqual(here);
    expect(new Set(here.map((h) => h.hash)).size).toBe(SEEDS.length);
  });
  for (const rt of ['node', 'deno', 'bun'] as const) {
    if (rt === runtime) continue;
    it(`${runtime} and ${rt} produce the same action log for seeds ${SEEDS.join(', ')}`, () => {
      expect(elsewhere(rt)).toEqual(here);
    }, 60000);
  }
});
