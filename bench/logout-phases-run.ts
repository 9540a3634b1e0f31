// npm run bench:logout-phases: where one LogoutFromTarget's time goes (bench/logout-phases.ts),
// under Node, Deno and Bun against one tgtd on loopback; writes its section of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { runArgs } from './run-args.ts';
runArgs('bench:logout-phases', [], ['iter']);

const T = 'iqn.2026-11.dev.bench:phases';
const iter = Number(process.argv[process.argv.indexOf('--iter') + 1]) || 300;
const tgtd = await startTgtd([{ tid: 1, name: T }]);
const rows: { runtime: string; phase: string; medianUs: number }[] = [];
const args = ['--portal', tgtd.portals[0], '--target', T, '--iter', String(iter)];
const run = (cmd: string, a: string[]) =>
  execFileSync(cmd, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).split('\n')
    .filter((l) => l.startsWith('{')).forEach((l) => rows.push(JSON.parse(l)));
try {
  run('node', ['build/bench-logout-phases.mjs', ...args]);
  run('node_modules/.bin/deno', ['run', '-A', 'bench/logout-phases.ts', ...args]);
  run('node_modules/.bin/bun', ['bench/logout-phases.ts', ...args]);
} finally {
  tgtd.stop();
}
const phases = [...new Set(rows.map((r) => r.phase))];
const runtimes = ['node', 'deno', 'bun'];
const table = [
  `| phase | ${runtimes.join(' | ')} |`,
  `|---|${runtimes.map(() => '---').join('|')}|`,
  ...phases.map((p) =>
    `| ${p} | ${
      runtimes.map((rt) => `${rows.find((r) => r.runtime === rt && r.phase === p)?.medianUs ?? '-'} µs`).join(' | ')
    } |`
  ),
];
const section = writeSection(
  'logout-phases',
  [
    '## Where one logout spends its time (tgtd on loopback)',
    '',
    `Command: \`npm run bench:logout-phases\` (${iter} logouts after 30 of warm-up, medians per phase; the phases`,
    `are medians each, so they need not add up to the total), ${new Date().toISOString().slice(0, 10)}.`,
    machineLine(),
    '',
    ...table,
  ].join('\n'),
);
console.log(section);
