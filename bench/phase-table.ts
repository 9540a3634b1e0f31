// What the phase benchmarks (bench:login-phases, bench:logout-phases) share: running one phase
// script under Node, Deno and Bun, and the table of medians per phase and runtime.
import { execFileSync } from 'node:child_process';

export interface PhaseRow {
  runtime: string;
  phase: string;
  medianUs: number;
}
const RUNTIMES = ['node', 'deno', 'bun'];

/** Runs `script` (bundled for Node at `bundle`) under each runtime against one target; its JSON lines. */
export function runPhases(script: string, bundle: string, portal: string, target: string, iter: number): PhaseRow[] {
  const rows: PhaseRow[] = [];
  const args = ['--portal', portal, '--target', target, '--iter', String(iter)];
  const run = (cmd: string, a: string[]) =>
    execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).split('\n')
      .filter((l) => l.startsWith('{')).forEach((l) => rows.push(JSON.parse(l)));
  run('node', [bundle, ...args]);
  run('node_modules/.bin/deno', ['run', '-A', script, ...args]);
  run('node_modules/.bin/bun', [script, ...args]);
  return rows;
}

/** One row per phase, one column per runtime; `native` adds a column for the phases it has. */
export function phaseTable(rows: PhaseRow[], native?: { name: string; us: Record<string, number> }): string[] {
  const phases = [...new Set(rows.map((r) => r.phase))];
  const cols = native ? [...RUNTIMES, native.name] : RUNTIMES;
  const cell = (p: string, rt: string) => {
    const v = rt === native?.name ? native.us[p] : rows.find((r) => r.runtime === rt && r.phase === p)?.medianUs;
    return v === undefined ? '-' : `${v} µs`;
  };
  return [
    `| phase | ${cols.join(' | ')} |`,
    `|---|${cols.map(() => '---').join('|')}|`,
    ...phases.map((p) => `| ${p} | ${cols.map((rt) => cell(p, rt)).join(' | ')} |`),
  ];
}
