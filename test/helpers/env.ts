// Small helpers shared by the suites; they run unchanged under Node, Bun and Deno.
import { runtimeName } from './runtime.ts';

export const runtime = runtimeName();

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until cond() holds, every `every` ms; fails loudly after ms. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition', every = 5): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/** Node's live handles (sockets, servers, timers that keep the loop alive); undefined elsewhere. */
export function nodeActiveHandles(): number | undefined {
  const p = (globalThis as { process?: { _getActiveHandles?: () => unknown[] } }).process;
  return runtime === 'node' && p?._getActiveHandles ? p._getActiveHandles().length : undefined;
}
