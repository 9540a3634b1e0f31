// Runs one benchmark (pdu | crc32c) under Node, Deno and Bun plus the C reference, prints the
// table (or JSON lines with --json) and rewrites that benchmark's section of bench/RESULTS.md.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { machineLine, writeSection } from './results.mjs';

const which = process.argv[2];
const json = process.argv.includes('--json');
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 1;
if (!['pdu', 'crc32c'].includes(which)) {
  console.error('usage: bench.mjs pdu|crc32c [--json] [--seconds S]');
  process.exit(2);
}
const src = which === 'pdu' ? 'bench/pdu.ts' : 'bench/crc.ts';
mkdirSync('build', { recursive: true });
const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const bin = (n) => `node_modules/.bin/${n}`;

await build({
  entryPoints: [src],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: `build/bench-${which}.mjs`,
  logLevel: 'warning',
});
const rows = [];
const take = (out) => out.trim().split('\n').filter((l) => l.startsWith('{')).forEach((l) => rows.push(JSON.parse(l)));
take(sh('node', [`build/bench-${which}.mjs`, '--seconds', String(seconds)]));
take(sh(bin('deno'), ['run', src, '--seconds', String(seconds)]));
take(sh(bin('bun'), [src, '--seconds', String(seconds)]));

let cc = false;
try {
  sh('cc', ['--version']);
  cc = true;
} catch { /* no compiler: the C column stays empty */ }
if (cc) {
  if (which === 'pdu') {
    await build({
      entryPoints: ['bench/write-streams.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: 'build/write-streams.mjs',
      logLevel: 'warning',
    });
    sh('node', ['build/write-streams.mjs', 'build']);
    sh('cc', ['-O2', '-o', 'build/bench-pdu', 'bench/c/pdu.c']);
    for (const stream of ['mixed', 'bhs48']) {
      const [pdus, bytes, el, checksum] = sh('build/bench-pdu', [`build/bench-${stream}.bin`, String(seconds)]).trim()
        .split(' ').map(Number);
      rows.push({
        bench: 'pdu',
        impl: 'c',
        runtime: 'native',
        stream,
        pdusPerSec: pdus / el,
        bytesPerSec: bytes / el,
        checksum,
      });
    }
  } else {
    sh('cc', ['-O2', '-o', 'build/bench-crc32c', 'bench/c/crc32c.c']);
    for (const block of [8192, 48]) {
      const [, bytes, el, checksum] = sh('build/bench-crc32c', [String(block), String(seconds)]).trim().split(' ').map(
        Number,
      );
      rows.push({ bench: 'crc32c', impl: 'c', runtime: 'native', block, bytesPerSec: bytes / el, checksum });
    }
  }
}
if (json) rows.forEach((r) => console.log(JSON.stringify(r)));

// ---- the table
const key = (r) => (which === 'pdu' ? r.stream : `${r.block} B blocks`);
const groups = [...new Set(rows.map(key))];
const c = (g) => rows.find((r) => key(r) === g && r.impl === 'c');
const fmt = (
  n,
) => (n >= 1e9 ? (n / 1e9).toFixed(2) + ' G' : n >= 1e6 ? (n / 1e6).toFixed(1) + ' M' : (n / 1e3).toFixed(1) + ' k');
const lines = [];
for (const g of groups) {
  const ref = c(g);
  const sums = new Set(rows.filter((r) => key(r) === g).map((r) => r.checksum));
  lines.push(`| ${g} | impl | runtime | ${which === 'pdu' ? 'PDUs/s | ' : ''}bytes/s | vs C | checksum |`);
  lines.push(`|---|---|---|${which === 'pdu' ? '---|' : ''}---|---|---|`);
  for (const r of rows.filter((x) => key(x) === g)) {
    const ratio = ref ? (r.bytesPerSec / ref.bytesPerSec).toFixed(2) + '×' : 'n/a';
    lines.push(
      `| | ${r.impl} | ${r.runtime} | ${which === 'pdu' ? fmt(r.pdusPerSec) + ' | ' : ''}${
        fmt(r.bytesPerSec)
      }B/s | ${ratio} | ${r.checksum}${sums.size === 1 ? '' : ' MISMATCH'} |`,
    );
  }
  lines.push('');
  if (sums.size !== 1) {
    console.error(`checksums differ in ${g}`);
    process.exitCode = 1;
  }
}
const body = [
  `## ${which === 'pdu' ? 'PDU framing' : 'CRC32C'}`,
  '',
  `Command: \`npm run bench:${which}\` (${seconds} s per measurement: the fastest of five rounds), ${
    new Date().toISOString().slice(0, 10)
  }.`,
  machineLine(),
  '',
  ...lines,
].join('\n');
const section = writeSection(which, body);
if (!json) console.log(section);
