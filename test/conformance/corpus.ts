// Runs the corpus: each scenario's transcript, and the RFC 7143 §8.1 transitions they exercised.
import { SCENARIOS } from './scenarios.ts';
import { Script } from './script.ts';
import { table } from './transitions.ts';
import { freshCore } from '../helpers/core.ts';

export function runScenario(name: string): { transcript: string; transitions: Set<string> } {
  const s = new Script();
  s.lines.push(`# ${name}`);
  SCENARIOS[name](s);
  return { transcript: s.lines.join('\n') + '\n', transitions: s.transitions };
}

/** The transitions the project claims: every one in the core's table (core/fsm.ts). */
export const CLAIMED = [...new Set(table(freshCore().core).map((r) => r.name))];
export const exercised = (all: Set<string>) => new Set([...all].flatMap((t) => t.split('+')));

/** The first line where two transcripts differ, as `line N: want ... / got ...`, or undefined. */
export function firstDifference(want: string, got: string): string | undefined {
  const a = want.split('\n'), b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  want: ${a[i] ?? '(end)'}\n  got:  ${b[i] ?? '(end)'}`;
  }
  return undefined;
}
