// npm run bench:latency: QD1 latency, one 4 KiB READ at a time at random LBAs of a 256 MiB tgtd LUN
// on loopback, ours under Node, Deno and Bun beside libiscsi (C, built here with cc when
// libiscsi-dev is installed), in one run. Writes bench/RESULTS.md's `latency` section; `-- --json`
// prints the rows.
import { execFileSync } from 'node:child_process';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { onTmpfs } from './tmpfs.ts';
import { runArgs, runNumber } from './run-args.ts';
runArgs('bench:latency', ['json'], ['samples', 'warmup']);

const json = process.argv.includes('--json');
const samples = runNumber('samples', 10000), warmup = runNumber('warmup', 10240);
const T = 'iqn.2026-11.dev.bench:latency';
const rows: Record<string, number | string>[] = [];
const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300000 });
const take = (out: string) => {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (line) rows.push(JSON.parse(line));
};
let peer = true;
try {
  sh('cc', ['-O2', '-o', 'build/libiscsi-latency', 'bench/c/libiscsi-latency.c', '-liscsi']);
} catch {
  peer = false;
  console.error('libiscsi-dev (or cc) is not installed: no libiscsi row');
}
// Filled once, so that every read comes from data the target holds, not from a hole in a sparse file.
const tgtd = await onTmpfs(async () => {
  const t = await startTgtd([{ tid: 1, name: T, size: '256M' }]);
  execFileSync('dd', ['if=/dev/urandom', `of=${t.lunFile(1)}`, 'bs=1M', 'count=256', 'conv=notrunc', 'status=none']);
  return t;
});
try {
  const args = ['--portal', tgtd.portals[0], '--target', T, '--samples', String(samples), '--warmup', String(warmup)];
  take(sh('node', ['build/bench-latency.mjs', ...args]));
  take(sh('node_modules/.bin/deno', ['run', '-A', 'bench/latency.ts', ...args]));
  take(sh('node_modules/.bin/bun', ['bench/latency.ts', ...args]));
  if (peer) take(sh('build/libiscsi-latency', [tgtd.portals[0], T, String(samples), String(warmup)]));
} finally {
  tgtd.stop();
}

if (json) rows.forEach((r) => console.log(JSON.stringify(r)));
const p = rows.find((r) => r.impl === 'libiscsi');
const vs = (r: Record<string, number | string>, k: string) => p ? (Number(r[k]) / Number(p[k])).toFixed(2) + '×' : '-';
const lines = [
  '| | impl | runtime | p50 | p99 | p50 vs libiscsi | p99 vs libiscsi |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) =>
    `| 4 KiB, QD1 | ${r.impl} | ${r.runtime} | ${r.p50Us} µs | ${r.p99Us} µs | ${vs(r, 'p50Us')} | ${vs(r, 'p99Us')} |`
  ),
];
const section = writeSection(
  'latency',
  [
    '## QD1 random-read latency (tgtd on loopback, 256 MiB LUN on tmpfs filled with random bytes)',
    '',
    `Command: \`npm run bench:latency\` (its own command, apart from bench:write: one READ of 4 KiB in flight at a time, at uniformly random 4 KiB-aligned LBAs over the whole LUN, ${warmup} reads of warm-up then ${samples} timed, each from the call to its resolution; libiscsi: \`bench/c/libiscsi-latency.c\`, \`iscsi_read16_sync\`; needs tgt, and libiscsi-dev and cc for the libiscsi row), ${
      new Date().toISOString().slice(0, 10)
    }. One run on a shared 2-core VM (other work was running on it).`,
    machineLine(),
    peer ? '' : '**libiscsi-dev was not installed: no libiscsi row.**',
    '',
    ...lines,
  ].join('\n'),
);
if (!json) console.log(section);
