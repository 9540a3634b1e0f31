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

/** p, or a clear failure after ms; the timer is cleared either way (Deno's sanitizer). */
export async function bounded<V>(p: Promise<V>, ms: number, what: string): Promise<V> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Node's live handles (sockets, servers, timers that keep the loop alive); undefined elsewhere. */
export function nodeActiveHandles(): number | undefined {
  const p = (globalThis as { process?: { _getActiveHandles?: () => unknown[] } }).process;
  return runtime === 'node' && p?._getActiveHandles ? p._getActiveHandles().length : undefined;
}
