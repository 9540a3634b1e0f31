// npm run bench:copy: copy() of a 256 MiB tgtd LUN to a file on tmpfs beside bench:read's
// sequential reads at the same command size and depth (32), under Node, Deno and Bun, in one run.
import { execFileSync } from 'node:child_process';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { runArgs, runNumber } from './run-args.ts';
runArgs('bench:copy', [], ['seconds']);

const seconds = runNumber('seconds', 5);
const queue = 32;
const T = 'iqn.2026-11.dev.bench:copy';
const tgtd = await startTgtd([{ tid: 1, name: T, size: '256M' }]);
const rows: Record<string, number | string>[] = [];
const take = (out: string) => {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (line) rows.push(JSON.parse(line));
};
const runtimes: [string, string[]][] = [
  ['node', ['build/bench-X.mjs']],
  ['node_modules/.bin/deno', ['run', '-A', 'bench/X.ts']],
  ['node_modules/.bin/bun', ['bench/X.ts']],
];
try {
  for (const blockBytes of [65536, 262144]) {
    const args = ['--portal', tgtd.portals[0], '--target', T, '--block-bytes', String(blockBytes)];
    for (const [cmd, script] of runtimes) {
      for (const [which, extra] of [['read', []], ['copy', []], ['copy', ['--to', '/dev/null']]] as const) {
        const a = [...script.map((s) => s.replace('X', which)), ...args, '--queue', String(queue), ...extra];
        take(execFileSync(cmd, [...a, '--seconds', String(seconds)], { encoding: 'utf8' }));
      }
    }
  }
} finally {
  tgtd.stop();
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB/s`;
const lines = [
  '| block | runtime | read | copy to tmpfs | / read | copy to /dev/null | / read |',
  '|---|---|---|---|---|---|---|',
];
for (const r of rows.filter((x) => x.bench === 'read')) {
  const same = (x: Record<string, unknown>, to: string) =>
    x.bench === 'copy' && x.to === to && x.runtime === r.runtime && x.blockBytes === r.blockBytes;
  const cells = ['tmpfs', '/dev/null'].flatMap((to) => {
    const c = rows.find((x) => same(x, to));
    return c
      ? [mib(Number(c.bytesPerSec)), (Number(c.bytesPerSec) / Number(r.bytesPerSec)).toFixed(2) + '×']
      : ['-', '-'];
  });
  lines.push(
    `| ${Number(r.blockBytes) / 1024} KiB | ${r.runtime} | ${mib(Number(r.bytesPerSec))} | ${cells.join(' | ')} |`,
  );
}
console.log(writeSection(
  'copy',
  [
    '## copy() beside sequential reads (tgtd on loopback, 256 MiB LUN, 32 commands in flight)',
    '',
    'A copy is more work than bench:read on the same two cores that tgtd also runs on: the file',
    "side's writes (memory copies into tmpfs, or only the system calls for /dev/null) and the whole",
    "copy's setup and flush are in its figure.",
    '',
    `Command: \`npm run bench:copy\` (${seconds} s per figure; read as in bench:read, copy = whole copies of the LUN to a file on /dev/shm, or to /dev/null, after one warm-up copy), ${
      new Date().toISOString().slice(0, 10)
    }.`,
    machineLine(),
    '',
    ...lines,
  ].join('\n'),
));
