// The seeded simulation with its invariants (test/helpers/invariants.ts): as many seeds as fit in
// the time budget (SIM_SECONDS, default 15), each replayable with the command it prints.
import { describe, expect, it } from 'vitest';
import { simulate } from './helpers/simulation.ts';
import { runtime } from './helpers/env.ts';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const seconds = Number(env.SIM_SECONDS ?? 15);
const first = Number(env.SIM_SEED ?? 1);

describe('simulation', () => {
  it(`every seed that fits in ${seconds} s keeps every invariant, and leaves nothing once time runs out`, () => {
    const end = Date.now() + seconds * 1000;
    let seed = first;
    for (; seed === first || Date.now() < end; seed++) {
      const r = simulate(seed, 400);
      if (r.violations.length || r.unfinished) {
        throw new Error(
          `seed ${seed} broke an invariant; replay: npm run sim -- --seed ${seed} --runs 1\n${
            r.violations.slice(0, 5).join('\n')
          }`,
        );
      }
    }
    console.log(`simulation (${runtime}): ${seed - first} seeds from ${first} in ${seconds} s, no invariant broken`);
    expect(seed - first).toBeGreaterThan(0);
  }, (seconds + 30) * 1000);
});
