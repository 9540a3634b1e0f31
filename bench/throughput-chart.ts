// bench/throughput.svg: the read and write throughput tables as bench/RESULTS.md holds them (the
// `read` and `write` sections, each from its own run), so that either benchmark redraws the figure
// with the other's last figures and nothing is drawn that RESULTS.md does not say.
import { readFileSync, writeFileSync } from 'node:fs';
import { barChart, type Group } from './bar-chart.ts';

const PEERS: Record<string, string> = { read: 'iscsi-perf', write: 'libiscsi' };
const LEGEND = [
  { name: 'ours, node', color: '#2b7' },
  { name: 'ours, deno', color: '#27b' },
  { name: 'ours, bun', color: '#b72' },
  { name: 'libiscsi, C (reads: iscsi-perf)', color: '#444' },
];

/** The rows `| 64 KiB | impl | runtime | 933 MiB/s | ...` of one section, grouped by block size. */
export function sectionGroups(doc: string, which: 'read' | 'write'): { groups: Group[]; date: string } {
  const body = doc.match(new RegExp(`<!-- ${which}:start -->([\\s\\S]*?)<!-- ${which}:end -->`))?.[1] ?? '';
  const byBlock = new Map<number, Group>();
  for (const m of body.matchAll(/^\| (\d+) KiB \| ([\w-]+) \| (\w+) \| (\d+) MiB\/s \|/gm)) {
    const kib = Number(m[1]);
    const g = byBlock.get(kib) ?? { label: `${which} ${kib} KiB`, values: {} };
    byBlock.set(kib, g);
    g.values[m[2] === PEERS[which] ? LEGEND[3].name : `ours, ${m[3]}`] = Number(m[4]);
  }
  const date = body.match(/\), (\d{4}-\d\d-\d\d)\./)?.[1] ?? '?';
  return { groups: [...byBlock.entries()].sort(([a], [b]) => a - b).map(([, g]) => g), date };
}

export function drawThroughput(path = 'bench/RESULTS.md', out = 'bench/throughput.svg'): void {
  const doc = readFileSync(path, 'utf8');
  const read = sectionGroups(doc, 'read'), write = sectionGroups(doc, 'write');
  const title = `Sequential throughput, tgtd on loopback, 32 in flight (reads ${read.date}, writes ${write.date})`;
  writeFileSync(out, barChart([...read.groups, ...write.groups], LEGEND, title, 'MiB/s'));
}
