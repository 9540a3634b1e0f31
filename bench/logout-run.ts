// npm run bench:logout: login and logout latency, LogoutFromTarget of 1 to 1,024 sessions, timer
// lag and memory per session, against tgtd on loopback, ours under Node, Deno and Bun beside
// libiscsi (C, built here with cc when libiscsi-dev is installed). Writes bench/RESULTS.md's
// section and bench/logout-scale.svg from what it measured; `-- --json` prints the rows.
import { execFileSync, spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';
import { scaleChart } from './chart.ts';
import { runArgs } from './run-args.ts';
runArgs('bench:logout', ['json'], []);

type Row = Record<string, number | string>;
const json = process.argv.includes('--json');
const T = 'iqn.2026-11.dev.bench:logout';
const SIZES = [1, 16, 64, 256, 1024];
const rows: Row[] = [];
let phase: Row[] = [];
const latency: Row[] = [], scaled: Row[] = [], other: Row[] = [];
const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
const take = (out: string) =>
  out.split('\n').filter((l) => l.startsWith('{')).forEach((l) => {
    const r = JSON.parse(l);
    rows.push(r);
    phase.push(r);
  });
const ours = (args: string[]) => {
  take(sh('node', ['build/bench-logout.mjs', ...args]));
  take(sh('node_modules/.bin/deno', ['run', '-A', 'bench/logout.ts', ...args]));
  take(sh('node_modules/.bin/bun', ['bench/logout.ts', ...args]));
};
let peer = true;
try {
  sh('cc', ['-O2', '-o', 'build/libiscsi-logout', 'bench/c/libiscsi-logout.c', '-liscsi']);
} catch {
  peer = false;
  console.error('libiscsi-dev (or cc) is not installed: no libiscsi rows');
}

const tgtd = await startTgtd([{ tid: 1, name: T }]);
const p = tgtd.portals[0];
try {
  phase = latency;
  ours(['latency', '--portal', p, '--target', T, '--iter', '300']);
  if (peer) take(sh('build/libiscsi-logout', [p, T, 'latency', '300']));
  phase = scaled;
  for (const n of SIZES) {
    ours(['scale', '--portal', p, '--target', T, '--n', String(n), '--conc', '64', '--reps', '5']);
    if (n >= 256) {
      for (const conc of [16, 256, 1024].filter((c) => c <= n)) {
        take(
          sh('node', [
            'build/bench-logout.mjs',
            'scale',
            '--portal',
            p,
            '--target',
            T,
            '--n',
            String(n),
            '--conc',
            String(conc),
            '--reps',
            '5',
          ]),
        );
      }
    }
    if (peer) {
      for (const mode of ['seq', '16']) take(sh('build/libiscsi-logout', [p, T, 'scale', String(n), '5', mode]));
    }
    if (tgtd.sessions(T) !== 0) throw new Error(`tgtd still holds ${tgtd.sessions(T)} sessions after n=${n}`);
  }
  phase = other;
  ours(['lag', '--portal', p, '--target', T, '--n', '1024']);
  ours(['memory', '--portal', p, '--target', T, '--n', '1000']);
} finally {
  tgtd.stop();
}
// 10,000 sessions against the built-in target, which runs in a process of its own.
const serve = spawn('node', ['build/bench-target.mjs'], { stdio: ['pipe', 'pipe', 'inherit'] });
const own: string = await new Promise((done) => serve.stdout.once('data', (b) => done(JSON.parse(String(b)).portal)));
try {
  take(
    sh('node', [
      '--expose-gc',
      'build/bench-logout.mjs',
      'memory',
      '--portal',
      own,
      '--target',
      'iqn.2026-11.dev.bench:memory',
      '--n',
      '10000',
    ]),
  );
} finally {
  serve.stdin.end();
}
take(JSON.stringify({ bench: 'wasm', impl: 'ours', runtime: 'all', bytes: statSync('build/core.wasm').size }));

if (json) rows.forEach((r) => console.log(JSON.stringify(r)));
const f = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : '-');
const lat = ['| | impl | runtime | median | p90 |', '|---|---|---|---|---|'];
for (const r of latency) {
  lat.push(`| ${r.bench} | ${r.impl} | ${r.runtime} | ${f(r.medianMs, 3)} ms | ${f(r.p90Ms, 3)} ms |`);
}
const scale = ['| sessions | impl | runtime | cap | median | slowest | first round |', '|---|---|---|---|---|---|---|'];
for (const r of scaled) {
  scale.push(
    `| ${r.n} | ${r.impl} | ${r.runtime} | ${r.concurrency} | ${f(r.medianMs, 1)} ms | ${f(r.p90Ms, 1)} ms | ${
      f(r.firstMs, 1)
    } ms |`,
  );
}
const notes = other.map((r) =>
  r.bench === 'lag'
    ? `- largest lag of a 1 ms timer during the 1,024-session logout, ${r.runtime}: ${r.maxLagMs} ms`
    : r.bench === 'memory'
    ? `- memory per logged-in session at ${r.n} sessions (${
      r.n === 10000 ? 'built-in target, in its own process' : 'tgtd'
    }), ${r.runtime}: ${(Number(r.bytesPerSession) / 1024).toFixed(1)} KiB (JS heap ${
      (Number(r.heapBytesPerSession) / 1024).toFixed(1)
    } KiB, plus the adapter's Wasm memory of ${(Number(r.wasmBytes) / 2 ** 20).toFixed(1)} MiB shared out)`
    : `- release Wasm: ${(Number(r.bytes) / 1024).toFixed(1)} KiB`
);
const colors: Record<string, string> = {
  node: '#2b7',
  deno: '#27b',
  bun: '#b72',
  'libiscsi-seq': '#999',
  'libiscsi-16': '#444',
};
const scaleRow = (q: Row) => scaled.find((r) => Object.entries(q).every(([k, v]) => r[k] === v));
const series = [
  ...['node', 'deno', 'bun'].map((rt) => ({
    name: `ours, ${rt} (cap 64)`,
    color: colors[rt],
    key: { impl: 'ours', runtime: rt, concurrency: 64 },
  })),
  ...['libiscsi-seq', 'libiscsi-16'].map((impl) => ({ name: impl, color: colors[impl], key: { impl } })),
].map((s) => ({
  name: s.name,
  color: s.color,
  points: SIZES.map((n) => [n, Number(scaleRow({ n, ...s.key })?.medianMs ?? 0)] as [number, number]),
}));
writeFileSync('bench/logout-scale.svg', scaleChart(series, 'LogoutFromTarget against tgtd on loopback (median, ms)'));
const section = writeSection(
  'logout',
  [
    '## Login, logout and LogoutFromTarget at scale (tgtd on loopback)',
    '',
    `Command: \`npm run bench:logout\` (needs tgt; the libiscsi rows need libiscsi-dev and cc), ${
      new Date().toISOString().slice(0, 10)
    }.`,
    machineLine(),
    peer ? '' : '**libiscsi-dev was not installed: no libiscsi rows.**',
    '',
    'One login and one logout, 300 iterations in one process: ours after 10,240 uncounted, as in the scale rounds below;',
    "libiscsi's after 30, login then logout plus close. Our logout's handle resolves at the Logout Response; `logout to",
    "socket let go` runs on until the socket is closed after the target's FIN, and the next login starts only then, as",
    "libiscsi's does after its close:",
    '',
    ...lat,
    '',
    'LogoutFromTarget of N sessions, libiscsi one by one or at most 16 outstanding: the median and the slowest of 5',
    'rounds, ours after the rounds that log out 10,240 sessions uncounted, as a process that holds sessions runs',
    "optimised code; `first round` is a fresh process's first, what a process that logs out once pays (libiscsi's",
    'first of its 5). Chart (medians): `bench/logout-scale.svg`.',
    '',
    ...scale,
    '',
    ...notes,
  ].join('\n'),
);
if (!json) console.log(section);
