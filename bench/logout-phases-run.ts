// npm run bench:logout-phases: where one LogoutFromTarget's time goes (bench/logout-phases.ts),
// under Node, Deno and Bun against one tgtd on loopback; writes its section of bench/RESULTS.md.
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { runArgs, runNumber } from './run-args.ts';
import { phaseTable, runPhases } from './phase-table.ts';
runArgs('bench:logout-phases', [], ['iter']);

const T = 'iqn.2026-11.dev.bench:phases';
const iter = runNumber('iter', 300);
const tgtd = await startTgtd([{ tid: 1, name: T }]);
let rows;
try {
  rows = runPhases('bench/logout-phases.ts', 'build/bench-logout-phases.mjs', tgtd.portals[0], T, iter);
} finally {
  tgtd.stop();
}
const section = writeSection(
  'logout-phases',
  [
    '## Where one logout spends its time (tgtd on loopback)',
    '',
    `Command: \`npm run bench:logout-phases\` (${iter} logouts after 30 of warm-up, medians per phase; the phases`,
    `are medians each, so they need not add up to the total), ${new Date().toISOString().slice(0, 10)}.`,
    machineLine(),
    '',
    ...phaseTable(rows),
  ].join('\n'),
);
console.log(section);
