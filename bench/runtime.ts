// What every benchmark shares: its runtime, its arguments, one JSON line per figure, timing.
import { runtimeName, scriptArgs } from '../test/helpers/runtime.ts';
export { runtimeName, scriptArgs };
export const emit = (o: Record<string, unknown>) => console.log(JSON.stringify(o));
/** The number after `--name`, or `def` without the flag; a flag with no number after it stops the
 *  script, rather than run it with NaN (a loop of NaN rounds runs none and reports nothing true). */
export const arg = (name: string, def: number): number => {
  const argv = scriptArgs();
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return def;
  const v = Number(argv[i + 1]);
  if (argv[i + 1] === undefined || !Number.isFinite(v) || v < 0) throw new RangeError(`--${name} needs a number`);
  return v;
};
/** After one warm-up pass, five rounds of whole passes, each seconds/5 long; returns the fastest
 *  round (this 2-core VM's neighbours make single rounds swing by up to 2x). */
export function timed(seconds: number, fn: () => void): { passes: number; elapsed: number } {
  fn();
  let best = { passes: 0, elapsed: Infinity };
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    let passes = 0, elapsed = 0;
    do {
      fn();
      passes++;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < seconds / 5);
    if (passes / elapsed > best.passes / best.elapsed) best = { passes, elapsed };
  }
  return best;
}

// One turn of the event loop, without the 1 ms a timer would idle (an idle CPU is slower to wake,
// and libiscsi's loops never idle): setImmediate where the runtime has it.
const turn = (globalThis as { setImmediate?: (f: () => void) => void }).setImmediate ??
  ((f: () => void) => setTimeout(f, 0));
/** Resolves once `adapter` holds no socket (the last session's let go after the target's FIN),
 *  turning the event loop meanwhile; throws when some are still open after `ms`, as the figures
 *  that follow would carry that teardown. */
export async function socketsGone(adapter: { resources(): { sockets: number } }, ms: number): Promise<void> {
  for (const stop = performance.now() + ms; adapter.resources().sockets > 0 && performance.now() < stop;) {
    await new Promise<void>((r) => turn(r));
  }
  const left = adapter.resources().sockets;
  if (left) throw new Error(`${left} socket(s) still open ${ms} ms after the logout`);
}
