// npm run bench:login-phases: where one LoginToTarget's time goes (bench/login-phases.ts), under
// Node, Deno and Bun against one tgtd on loopback, beside a TCP connect in C (bench/c/connect.c,
// built here with cc when there is one); writes its section of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { runArgs, runNumber } from './run-args.ts';
import { phaseTable, runPhases } from './phase-table.ts';
runArgs('bench:login-phases', [], ['iter']);

const T = 'iqn.2026-11.dev.bench:phases';
const CONNECT_ALONE = "the runtime's connect alone (no login)";
const iter = runNumber('iter', 300);
const tgtd = await startTgtd([{ tid: 1, name: T }]);
let rows;
let cConnect: number | undefined;
try {
  rows = runPhases('bench/login-phases.ts', 'build/bench-login-phases.mjs', tgtd.portals[0], T, iter);
  try {
    execFileSync('cc', ['-O2', '-o', 'build/bench-connect', 'bench/c/connect.c'], { stdio: 'ignore' });
    cConnect = Number(execFileSync('build/bench-connect', ['127.0.0.1', String(tgtd.port), String(iter)], {
      encoding: 'utf8',
    }));
  } catch {
    console.error('no cc: no C column');
  }
} finally {
  tgtd.stop();
}
const section = writeSection(
  'login-phases',
  [
    '## Where one login spends its time (tgtd on loopback)',
    '',
    `Command: \`npm run bench:login-phases\` (${iter} logins after 30 of warm-up, each followed by its logout and`,
    'the socket let go before the next; medians per phase, so they need not add up to the total; the last row',
    "connects and closes with the runtime's own host and nothing of ours, and C's column is a non-blocking",
    `connect then poll, \`bench/c/connect.c\`), ${new Date().toISOString().slice(0, 10)}.`,
    machineLine(),
    '',
    ...phaseTable(rows, cConnect === undefined ? undefined : { name: 'C', us: { [CONNECT_ALONE]: cConnect } }),
  ].join('\n'),
);
console.log(section);
