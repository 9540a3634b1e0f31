// Small helpers shared by the suites; they run unchanged under Node, Bun and Deno.
export const runtime: 'node' | 'deno' | 'bun' =
  (globalThis as { Deno?: unknown }).Deno ? 'deno' : (globalThis as { Bun?: unknown }).Bun ? 'bun' : 'node';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until cond() holds; fails loudly after ms. */
export async function until(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Node's live handles (sockets, servers, timers that keep the loop alive); undefined elsewhere. */
export function nodeActiveHandles(): number | undefined {
  const p = (globalThis as { process?: { _getActiveHandles?: () => unknown[] } }).process;
  return runtime === 'node' && p?._getActiveHandles ? p._getActiveHandles().length : undefined;
}
