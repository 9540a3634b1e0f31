export const runtimeName = (): 'node' | 'deno' | 'bun' =>
  (globalThis as { Deno?: unknown }).Deno ? 'deno' : (globalThis as { Bun?: unknown }).Bun ? 'bun' : 'node';
export const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
/** The script's own arguments, in any of the three runtimes. */
export const scriptArgs = (): string[] =>
  (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
export const arg = (name: string, def: number): number => {
  const argv = scriptArgs();
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
/** After one warm-up pass, five rounds of whole passes, each seconds/5 long; returns the fastest
 *  round (this 2-core VM's neighbours make single rounds swing by up to 2x). */
export function timed(seconds: number, fn: () => void): { passes: number; elapsed: number } {
  fn();
  let best = { passes: 0, elapsed: Infinity };
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    let passes = 0, elapsed = 0;
    do { fn(); passes++; elapsed = (performance.now() - start) / 1000; } while (elapsed < seconds / 5);
    if (passes / elapsed > best.passes / best.elapsed) best = { passes, elapsed };
  }
  return best;
}
