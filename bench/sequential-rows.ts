// What the sequential read and write runners (bench/read-run.ts, bench/write-run.ts) share: our
// figure under Node, Deno and Bun for one set of arguments, and the table of rows beside a peer.
export type Row = Record<string, number | string>;

/** The last JSON line of a benchmark's output, if any. */
export function lastRow(out: string): Row | undefined {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return line ? JSON.parse(line) : undefined;
}

/** `bench` (bench/read or bench/write) under Node (its bundle in build/), Deno and Bun; each
 *  command run through `wrap` (e.g. `taskset -c 1`) when given. */
export function oursUnderEach(
  sh: (cmd: string, args: string[]) => string,
  bench: string,
  args: string[],
  wrap: string[] = [],
): Row[] {
  const run = (
    cmd: string,
    rest: string[],
  ) => (wrap.length ? sh(wrap[0], [...wrap.slice(1), cmd, ...rest]) : sh(cmd, rest));
  const outs = [
    run('node', [`build/bench-${bench}.mjs`, ...args]),
    run('node_modules/.bin/deno', ['run', '-A', `bench/${bench}.ts`, ...args]),
    run('node_modules/.bin/bun', [`bench/${bench}.ts`, ...args]),
  ];
  return outs.map(lastRow).filter((r): r is Row => r !== undefined);
}

/** Markdown rows: block size, implementation, runtime, MiB/s and the ratio to the row of the
 *  `peer` implementation at the same block size. */
export function throughputTable(rows: Row[], peer: string): string[] {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB/s`;
  const lines = [`| block | impl | runtime | throughput | vs ${peer} |`, '|---|---|---|---|---|'];
  for (const r of rows) {
    const p = rows.find((x) => x.impl === peer && x.blockBytes === r.blockBytes);
    lines.push(
      `| ${Number(r.blockBytes) / 1024} KiB | ${r.impl} | ${r.runtime} | ${mib(Number(r.bytesPerSec))} | ${
        p ? (Number(r.bytesPerSec) / Number(p.bytesPerSec)).toFixed(2) + '×' : '-'
      } |`,
    );
  }
  return lines;
}
