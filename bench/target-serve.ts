// The built-in target in a process of its own, for the memory benchmark: prints its portal as
// one JSON line and serves until its standard input closes.
import { startTarget } from '../target/target.ts';

const proc =
  (globalThis as unknown as { process: { stdin: { on(e: string, f: () => void): void; resume(): void } } }).process;
const t = await startTarget({ targets: [{ name: 'iqn.2026-11.dev.bench:memory' }] });
console.log(JSON.stringify({ portal: t.portal }));
proc.stdin.on('end', () => void t.close());
proc.stdin.resume();
