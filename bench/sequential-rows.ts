// What the sequential read and write runners (bench/read-run.ts, bench/write-run.ts) share: our
// figure under Node, Deno and Bun for one set of arguments, and the table of rows beside a peer.
export type Row = Record<string, number | string>;

/** The last JSON line of a benchmark's output, if any. */
export function lastRow(out: string): Row | undefined {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return line ? JSON.parse(line) : undefined;
}

/** A measure: `run` once, its last JSON line as the row (none when it printed none). */
export const measure = (run: () => string) => (): Row[] => {
  const row = lastRow(run());
  return row ? [row] : [];
};

/** `bench` (bench/read or bench/write) under Node (its bundle in build/), Deno and Bun, one
 *  measure each; each command run through `wrap` (e.g. `taskset -c 1`) when given. */
export function oursUnderEach(
  sh: (cmd: string, args: string[]) => string,
  bench: string,
  args: string[],
  wrap: string[] = [],
): (() => Row[])[] {
  const run = (cmd: string, rest: string[]) =>
    measure(() => wrap.length ? sh(wrap[0], [...wrap.slice(1), cmd, ...rest]) : sh(cmd, rest));
  return [
    run('node', [`build/bench-${bench}.mjs`, ...args]),
    run('node_modules/.bin/deno', ['run', '-A', `bench/${bench}.ts`, ...args]),
    run('node_modules/.bin/bun', [`bench/${bench}.ts`, ...args]),
  ];
}

/** Each of `measures` run `rounds` times, each round in the order of the last turned one place
 *  (this VM's speed drifts within a minute, and a fixed order would hand the drift to one side);
 *  per implementation, runtime and block size, the row of the median round (the upper of the
 *  middle two for an even count, as bench/stats.ts takes it), with every round's bytes per
 *  second in `rounds`, `-` for a round that gave no figure. */
export function medianOfRounds(rounds: number, measures: (() => Row[])[]): Row[] {
  const seen = new Map<string, (Row | undefined)[]>();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < measures.length; i++) {
      for (const row of measures[(i + r) % measures.length]()) {
        const key = `${row.impl} ${row.runtime} ${row.blockBytes}`;
        if (!seen.has(key)) seen.set(key, new Array(rounds).fill(undefined));
        seen.get(key)![r] = row;
      }
    }
  }
  return [...seen.values()].map((all) => {
    const got = all.filter((x): x is Row => x !== undefined);
    const sorted = [...got].sort((a, b) => Number(a.bytesPerSec) - Number(b.bytesPerSec));
    return { ...sorted[sorted.length >> 1], rounds: all.map((x) => x?.bytesPerSec ?? '-').join(' ') };
  });
}

/** Markdown rows: block size, implementation, runtime, MiB/s, the ratio to the row of the `peer`
 *  implementation at the same block size, and the spread of the rounds when there were several. */
export function throughputTable(rows: Row[], peer: string): string[] {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB/s`;
  const lines = [
    `| block | impl | runtime | throughput | vs ${peer} | rounds (MiB/s) |`,
    '|---|---|---|---|---|---|',
  ];
  const order = (r: Row) =>
    Number(r.blockBytes) * 4 + (r.impl === peer ? 3 : ['node', 'deno', 'bun'].indexOf(String(r.runtime)));
  for (const r of [...rows].sort((a, b) => order(a) - order(b))) {
    const p = rows.find((x) => x.impl === peer && x.blockBytes === r.blockBytes);
    const spread = String(r.rounds ?? r.bytesPerSec).split(' ').map((b) =>
      b === '-' ? b : (Number(b) / 2 ** 20).toFixed(0)
    );
    lines.push(
      `| ${Number(r.blockBytes) / 1024} KiB | ${r.impl} | ${r.runtime} | ${mib(Number(r.bytesPerSec))} | ${
        p ? (Number(r.bytesPerSec) / Number(p.bytesPerSec)).toFixed(2) + '×' : '-'
      } | ${spread.join(', ')} |`,
    );
  }
  return lines;
}
