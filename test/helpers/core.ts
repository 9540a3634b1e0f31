import { instantiateCore } from '../../hosts/wasm/load.ts';
import { coreViews } from '../../hosts/wasm/views.ts';

export function freshCore(sessions?: number) {
  const core = instantiateCore(sessions);
  return { core, ...coreViews(core) };
}

/** Hex with spaces, newlines and `# comments` allowed. */
export function hexBytes(s: string): Uint8Array {
  const clean = s.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (x) => parseInt(x, 16));
}

/** A small seeded PRNG (mulberry32): failures print the seed and replay exactly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
