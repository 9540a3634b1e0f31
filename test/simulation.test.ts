// The seeded simulation with its invariants (test/helpers/invariants.ts): a fixed number of seeds
// (SIM_SEEDS, default 300, from SIM_SEED), the same on every run and every runtime, each
// replayable with the command it prints. `npm run sim -- --seconds S` runs as many as fit in S.
import { describe, expect, it } from 'vitest';
import { simulate } from './helpers/simulation.ts';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const seeds = Number(env.SIM_SEEDS ?? 300);
const first = Number(env.SIM_SEED ?? 1);

describe('simulation', () => {
  it(`${seeds} seeds keep every invariant, and leave nothing once time runs out`, () => {
    let checked = 0;
    for (let seed = first; seed < first + seeds; seed++, checked++) {
      const r = simulate(seed, 400);
      if (r.violations.length || r.unfinished) {
        throw new Error(
          `seed ${seed} broke an invariant; replay: npm run sim -- --seed ${seed} --runs 1\n${
            r.violations.slice(0, 5).join('\n')
          }`,
        );
      }
    }
    expect(checked).toBe(seeds);
  }, 120_000);
});
