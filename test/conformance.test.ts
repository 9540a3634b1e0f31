// The conformance corpus (test/conformance/): each scenario's transcript must match the committed
// one line for line, under Node, Deno and Bun alike; `npm run conformance -- --update` rewrites
// them on purpose. Also which RFC 7143 §8.1 transitions the corpus exercised.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SCENARIOS } from './conformance/scenarios.ts';
import { CLAIMED, exercised, firstDifference, runScenario } from './conformance/corpus.ts';
import { runtime } from './helpers/env.ts';

const dir = new URL('./conformance/transcripts/', import.meta.url);
const seen = new Set<string>();

describe('conformance corpus', () => {
  for (const name of Object.keys(SCENARIOS)) {
    it(name, () => {
      const { transcript, transitions } = runScenario(name);
      transitions.forEach((t) => seen.add(t));
      const diff = firstDifference(readFileSync(new URL(`${name}.txt`, dir), 'utf8'), transcript);
      if (diff) {
        throw new Error(
          `${name} differs from its transcript (${runtime}) at ${diff}\n(npm run conformance -- --update if the change is meant)`,
        );
      }
    });
  }

  it('exercises every RFC 7143 §8.1 transition the project claims', () => {
    for (const name of Object.keys(SCENARIOS)) runScenario(name).transitions.forEach((t) => seen.add(t));
    const ex = exercised(seen);
    console.log(
      `transitions exercised by ${Object.keys(SCENARIOS).length} scenarios (${runtime}): ${[...ex].sort().join(' ')}`,
    );
    expect(CLAIMED.filter((t) => !ex.has(t))).toEqual([]);
    // docs/testing.md names the same transitions as the core's table.
    const doc = readFileSync(new URL('../docs/testing.md', import.meta.url), 'utf8');
    const listed = /every row of the core's table \(`core\/fsm.ts`\): ([TN\d\s]+)\./.exec(doc)?.[1].split(/\s+/).filter(
      Boolean,
    );
    expect(new Set(listed)).toEqual(new Set(CLAIMED.filter((t) => t !== 'cleanup')));
    expect(Object.keys(SCENARIOS).length).toBeGreaterThanOrEqual(60);
  });
});
