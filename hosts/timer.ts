import type { TimerHandle } from './types.ts';

// Node, Bun and Deno >= 2.8 return a Timeout with unref(); older Deno returns a number.
export function unrefTimer(ms: number, fn: () => void): TimerHandle {
  const t: unknown = setTimeout(fn, ms);
  if (t && typeof t === 'object' && 'unref' in t) (t as { unref(): void }).unref();
  else if (typeof t === 'number') (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno?.unrefTimer(t);
  return { cancel: () => clearTimeout(t as number) };
}

export const monotonicNow = (): number => performance.now();
export const randomBytes = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
