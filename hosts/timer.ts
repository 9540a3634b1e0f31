import type { TimerHandle } from './types.ts';

// Node, Bun and Deno >= 2.8 return a Timeout with unref(); older Deno returns a number.
export function unrefTimer(ms: number, fn: () => void, hold = false): TimerHandle {
  const t: unknown = setTimeout(fn, ms);
  if (hold) return { cancel: () => clearTimeout(t as number) };
  if (t && typeof t === 'object' && 'unref' in t) (t as { unref(): void }).unref();
  else if (typeof t === 'number') (globalThis as { Deno?: { unrefTimer(id: number): void } }).Deno?.unrefTimer(t);
  return { cancel: () => clearTimeout(t as number) };
}

export const monotonicNow = (): number => performance.now();
// Randomness comes from one pool refilled 4 KiB at a time: a login takes 48 bytes (ISID, CHAP
// challenge, session GUID), and one call into the OS per login showed up in profiles.
const POOL = new Uint8Array(4096);
let used = POOL.length;
export function randomBytes(n: number): Uint8Array {
  if (n > POOL.length) return crypto.getRandomValues(new Uint8Array(n));
  if (used + n > POOL.length) {
    crypto.getRandomValues(POOL);
    used = 0;
  }
  used += n;
  return POOL.slice(used - n, used);
}
