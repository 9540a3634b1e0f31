// npm run bench:write: sequential writes to one tgtd LUN on loopback at 64 KiB and 256 KiB with 32
// commands in flight, ours under Node, Deno and Bun beside a libiscsi writer (C, built here with cc
// when libiscsi-dev is installed), in one run. Writes bench/RESULTS.md's `write` section and
// redraws bench/throughput.svg; `-- --json` prints the rows.
import { execFileSync } from 'node:child_process';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { drawThroughput } from './throughput-chart.ts';
import { measure, medianOfRounds, oursUnderEach, type Row, throughputTable } from './sequential-rows.ts';
import { onTmpfs } from './tmpfs.ts';
import { commandLine, runArgs, runNumber } from './run-args.ts';
runArgs('bench:write', ['json'], ['seconds', 'rounds']);

const json = process.argv.includes('--json');
const seconds = runNumber('seconds', 3);
const rounds = runNumber('rounds', 3);
const queue = 32;
const T = 'iqn.2026-11.dev.bench:write';
const rows: Row[] = [];
const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: (seconds + 60) * 1000 });
let peer = true;
try {
  sh('cc', ['-O2', '-o', 'build/libiscsi-write', 'bench/c/libiscsi-write.c', '-liscsi']);
} catch {
  peer = false;
  console.error('libiscsi-dev (or cc) is not installed: no libiscsi rows');
}
const tgtd = await onTmpfs(() => startTgtd([{ tid: 1, name: T, size: '256M' }]));
try {
  for (const blockBytes of [65536, 262144]) {
    const args = [
      '--portal',
      tgtd.portals[0],
      '--target',
      T,
      '--block-bytes',
      String(blockBytes),
      '--queue',
      String(queue),
      '--seconds',
      String(seconds),
    ];
    const writer = measure(() =>
      sh('build/libiscsi-write', [tgtd.portals[0], T, String(blockBytes), String(queue), String(seconds)])
    );
    rows.push(...medianOfRounds(rounds, [...oursUnderEach(sh, 'write', args), ...(peer ? [writer] : [])]));
  }
} finally {
  tgtd.stop();
}

if (json) rows.forEach((r) => console.log(JSON.stringify(r)));
const lines = throughputTable(rows, 'libiscsi');
const section = writeSection(
  'write',
  [
    '## Sequential writes (tgtd on loopback, 256 MiB LUN on tmpfs, 32 commands in flight)',
    '',
    `Command: \`${
      commandLine('bench:write')
    }\` (${seconds} s per measurement after 0.5 s of warm-up, ${rounds} rounds with the order turned each round, the median round shown; WRITE (16) without FUA, the LUN rewritten from its start when the end is reached; needs tgt, and libiscsi-dev and cc for the libiscsi rows: \`bench/c/libiscsi-write.c\`, libiscsi's asynchronous API with 32 tasks kept queued), ${
      new Date().toISOString().slice(0, 10)
    }.`,
    machineLine(),
    peer ? '' : '**libiscsi-dev was not installed: no libiscsi rows.**',
    '',
    ...lines,
    '',
    "Chart, with the `read` section's rows: `bench/throughput.svg`.",
  ].join('\n'),
);
drawThroughput();
if (!json) console.log(section);
