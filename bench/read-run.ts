// npm run bench:read: sequential reads from one tgtd LUN on loopback at 4 KiB, 64 KiB and 256 KiB
// with 32 commands in flight, ours under Node, Deno and Bun beside libiscsi's iscsi-perf, in one run.
// Writes bench/RESULTS.md's `read` section and redraws bench/throughput.svg.
// `-- --pinned`: tgtd (every thread) on CPU 0 and each initiator on CPU 1 (taskset), so the target
// and the initiator do not take turns on the same core, as they would not on two machines; writes
// the `read-pinned` section instead, and leaves the chart.
import { execFileSync } from 'node:child_process';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { drawThroughput } from './throughput-chart.ts';
import { medianOfRounds, oursUnderEach, type Row, throughputTable } from './sequential-rows.ts';
import { commandLine, runArgs, runNumber } from './run-args.ts';
runArgs('bench:read', ['json', 'pinned'], ['seconds', 'rounds']);

const json = process.argv.includes('--json');
const pinned = process.argv.includes('--pinned');
const wrap = pinned ? ['taskset', '-c', '1'] : [];
const seconds = runNumber('seconds', 3);
const rounds = runNumber('rounds', 3);
const queue = 32;
const T = 'iqn.2026-11.dev.bench:read';
const tgtd = await startTgtd([{ tid: 1, name: T }]);
const rows: Row[] = [];
const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
if (pinned) sh('taskset', ['-a', '-p', '-c', '0', String(tgtd.pid())]);
let perf = true;
try {
  sh('sh', ['-c', 'command -v iscsi-perf']);
} catch {
  perf = false;
}
try {
  for (const blockBytes of [4096, 65536, 262144]) {
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
    const iscsiPerf = (): Row[] => {
      // iscsi-perf prints a running "... MB/s" figure (MiB, 2^20); the last one is its average.
      const out = sh('sh', [
        '-c',
        `timeout ${seconds + 10} ${wrap.join(' ')} iscsi-perf -t ${seconds} -m ${queue} -b ${
          blockBytes / 512
        } iscsi://${tgtd.portals[0]}/${T}/1 2>&1; true`,
      ]);
      const mbs = [...out.matchAll(/([\d.]+)\s*MB\/s/g)].map((m) => Number(m[1])).pop();
      if (mbs === undefined) return [];
      const row = { impl: 'iscsi-perf', runtime: 'native', blockBytes, queueDepth: queue };
      return [{ bench: 'read', ...row, bytesPerSec: Math.round(mbs * 2 ** 20) }];
    };
    rows.push(...medianOfRounds(rounds, [...oursUnderEach(sh, 'read', args, wrap), ...(perf ? [iscsiPerf] : [])]));
  }
} finally {
  tgtd.stop();
}

if (json) rows.forEach((r) => console.log(JSON.stringify(r)));
const lines = throughputTable(rows, 'iscsi-perf');
const section = writeSection(
  pinned ? 'read-pinned' : 'read',
  [
    pinned
      ? '## Sequential reads, tgtd on CPU 0 and the initiator on CPU 1 (loopback, 32 commands in flight)'
      : '## Sequential reads (tgtd on loopback, 32 commands in flight)',
    '',
    `Command: \`${
      commandLine('bench:read')
    }\` (${seconds} s per measurement after 0.5 s of warm-up, ${rounds} rounds with the order turned each round, the median round shown; needs tgt and libiscsi-bin${
      pinned ? '; every tgtd thread pinned with `taskset -a -p -c 0`, each initiator run under `taskset -c 1`' : ''
    }), ${new Date().toISOString().slice(0, 10)}.`,
    machineLine(),
    perf ? '' : '**iscsi-perf (libiscsi-bin) was not installed: no peer rows.**',
    '',
    ...lines,
  ].join('\n'),
);
if (!pinned) drawThroughput();
if (!json) console.log(section);
