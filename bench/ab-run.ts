// npm run bench:ab -- --base COMMIT [--rounds N] [--seconds S] [--only framing,read,logout]: this
// tree against COMMIT, in one run, under Node, rounds alternating so both see the same machine:
// PDU framing (bench/pdu.ts), sequential reads from one tgtd LUN (bench/read.ts, 32 in flight),
// and one login, one logout and LogoutFromTarget of 256 sessions (bench/logout.ts). The medians go to the
// `ab` section of bench/RESULTS.md with the command. A single figure on this machine swings by
// up to 2x; the ratio of medians over alternating rounds is what says "no regression".
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { startTgtd } from '../test/peers/tgtd.ts';
import { machineLine, writeSection } from '../scripts/results.mjs';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : def);
const base = opt('base', '');
const GROUPS = ['framing', 'read', 'logout'];
const rounds = Number(opt('rounds', '3')), seconds = Number(opt('seconds', '3'));
const only = new Set(opt('only', GROUPS.join(',')).split(','));
if (
  !base || base.startsWith('--') || !Number.isInteger(rounds) || rounds < 1 || !(seconds > 0) ||
  [...only].some((g) => !GROUPS.includes(g))
) {
  console.error(`usage: npm run bench:ab -- --base COMMIT [--rounds N] [--seconds S] [--only ${GROUPS.join(',')}]`);
  process.exit(2);
}
const onlyArg = only.size < GROUPS.length ? ` --only ${[...only].join(',')}` : '';
const sh = (cmd: string, args: string[], cwd?: string) =>
  execFileSync(cmd, args, { encoding: 'utf8', cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });

// The base tree, as committed, beside this one (its own sources, our node_modules).
const dir = 'build/ab-base';
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
sh('sh', ['-c', `git archive ${base} | tar -x -C ${dir}`]);
symlinkSync(`${process.cwd()}/node_modules`, `${dir}/node_modules`);
// One harness for both: this tree's benchmark scripts over the base's library, so a change in how a
// benchmark measures (bench:logout's latency loop, say) never passes for a change in the library.
for (const f of readdirSync('bench').filter((n) => n.endsWith('.ts'))) copyFileSync(`bench/${f}`, `${dir}/bench/${f}`);
const bundle = (root: string, src: string, out: string) =>
  sh('node_modules/.bin/esbuild', [
    `${root}/${src}`,
    '--bundle',
    '--platform=node',
    '--format=esm',
    `--outfile=${out}`,
    '--log-level=warning',
  ]);
const trees = { base: dir, head: '.' } as const;
for (const [name, root] of Object.entries(trees)) {
  bundle(root, 'bench/pdu.ts', `build/ab-${name}-pdu.mjs`);
  bundle(root, 'bench/read.ts', `build/ab-${name}-read.mjs`);
  bundle(root, 'bench/logout.ts', `build/ab-${name}-logout.mjs`);
}
const json = (out: string) => out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: string[] = [];
const row = (what: string, unit: string, scale: number, r: Record<string, number[]>) => {
  if (!r.base.length || !r.head.length) return; // measured by one tree only
  const [b, h] = [median(r.base), median(r.head)];
  const fmt = (x: number) => (x / scale).toFixed(scale === 1e6 ? 1 : 0);
  rows.push(
    `| ${what} | ${r.base.map(fmt).join(', ')} | ${r.head.map(fmt).join(', ')} | ${fmt(b)} -> ${fmt(h)} ${unit} | ${
      (h / b).toFixed(2)
    }× |`,
  );
  console.log(rows.at(-1));
};

// Framing: wasm rows only, PDUs/s per stream.
const pdu: Record<string, Record<string, number[]>> = {};
for (let i = 0; i < (only.has('framing') ? rounds : 0); i++) {
  for (const name of i % 2 ? ['head', 'base'] : ['base', 'head']) {
    for (const r of json(sh('node', [`build/ab-${name}-pdu.mjs`, '--seconds', String(seconds / 3)]))) {
      if (r.impl !== 'wasm') continue;
      ((pdu[r.stream] ??= { base: [], head: [] })[name] ??= []).push(r.pdusPerSec);
    }
  }
}
for (const [stream, r] of Object.entries(pdu)) row(`framing, ${stream} stream`, 'M PDUs/s', 1e6, r);

// Reads from tgtd.
const T = 'iqn.2026-11.dev.bench:ab';
const tgtd = await startTgtd([{ tid: 1, name: T }]);
try {
  for (const block of only.has('read') ? [4096, 65536, 262144] : []) {
    const r: Record<string, number[]> = { base: [], head: [] };
    for (let i = 0; i < rounds; i++) {
      for (const name of i % 2 ? ['head', 'base'] : ['base', 'head']) {
        const args = ['--portal', tgtd.portals[0], '--target', T, '--block-bytes', String(block), '--queue', '32'];
        const out = json(sh('node', [`build/ab-${name}-read.mjs`, ...args, '--seconds', String(seconds)]));
        r[name].push(out.at(-1).bytesPerSec);
      }
    }
    row(`read ${block / 1024} KiB, 32 in flight`, 'MiB/s', 2 ** 20, r);
  }
  if (only.has('logout')) {
    // Medians of each round's run: login and logout of one session (300), then LogoutFromTarget of
    // 256 sessions (3), each after bench/logout.ts's uncounted warm-up, as bench:logout measures them.
    const r: Record<string, Record<string, number[]>> = {};
    const add = (
      what: string,
      name: string,
      ms: number,
    ) => ((r[what] ??= { base: [], head: [] })[name].push(ms * 1000));
    const run = (name: string, args: string[]) =>
      json(sh('node', [`build/ab-${name}-logout.mjs`, ...args, '--portal', tgtd.portals[0], '--target', T]));
    for (let i = 0; i < rounds; i++) {
      for (const name of i % 2 ? ['head', 'base'] : ['base', 'head']) {
        for (const x of run(name, ['latency', '--iter', '300'])) add(`one ${x.bench}`, name, x.medianMs);
        for (const x of run(name, ['scale', '--n', '256', '--reps', '3'])) {
          add('LogoutFromTarget, 256', name, x.medianMs);
        }
      }
    }
    for (const [what, x] of Object.entries(r)) row(`${what} (lower is better)`, 'µs', 1, x);
  }
} finally {
  await tgtd.stop();
}
rmSync(dir, { recursive: true, force: true });
const head = sh('git', ['rev-parse', '--short', 'HEAD']).trim();
writeSection(
  'ab',
  `## This tree against an earlier commit (Node)

Command: \`npm run bench:ab -- --base ${base} --rounds ${rounds} --seconds ${seconds}${onlyArg}\`, run on ${
    new Date().toISOString().slice(0, 10)
  } with HEAD ${head} and uncommitted changes, if any. Rounds alternate base and head; each cell lists every round.
${machineLine()}

| measurement | base (${base}) | head | median | head/base |
|---|---|---|---|---|
${rows.join('\n')}
`,
);
