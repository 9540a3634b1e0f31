// The core ships twice, built from one source: with Wasm SIMD and without (hosts/wasm/load.ts
// picks the first where the engine validates it). Both must behave the same, byte for byte; and
// where SIMD is off (npm run test:scalar turns it off in each runtime) the scalar one is chosen.
import { describe, expect, it } from 'vitest';
import { type CoreBuild, coreBuild, coreModule, instantiateCore, pickBuild } from '../hosts/wasm/load.ts';
import { coreViews } from '../hosts/wasm/views.ts';
import { CODE } from '../hosts/codes.generated.ts';
import { makeStream } from './helpers/stream.ts';
import { rng } from './helpers/core.ts';

const BUILDS: CoreBuild[] = ['simd', 'scalar'];
const simdHere = pickBuild() === 'simd';
const expected = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env
  .ISCSI_CORE_BUILD_EXPECT;

describe('the two builds of the core', () => {
  it('the SIMD build is chosen exactly where it validates, the scalar one elsewhere', () => {
    expect(pickBuild(() => false)).toBe('scalar');
    expect(pickBuild(() => true)).toBe('simd');
    expect(coreBuild()).toBe(simdHere ? 'simd' : 'scalar');
    if (expected) expect(coreBuild()).toBe(expected);
  });
  it('the scalar build validates everywhere; both have no imports and the same exports', () => {
    expect(WebAssembly.Module.imports(coreModule('scalar'))).toEqual([]);
    if (!simdHere) return;
    expect(WebAssembly.Module.imports(coreModule('simd'))).toEqual([]);
    expect(WebAssembly.Module.exports(coreModule('simd'))).toEqual(WebAssembly.Module.exports(coreModule('scalar')));
  });

  // Every build's answer to the same inputs: frame results, counters, checksums, CRCs.
  const run = (build: CoreBuild) => {
    const core = instantiateCore(8, 16, 0, build);
    const { rx } = coreViews(core);
    const out: number[] = [];
    const frame = (p: Uint8Array, flags: number) => {
      const c = core.rawOpen(flags, CODE.MAX_RECV_DSL);
      for (let at = 0; at < p.length; at += rx.length) {
        const part = p.subarray(at, Math.min(p.length, at + rx.length));
        rx.set(part);
        const r = core.rawFeed(c, part.length);
        if (r < 0) {
          out.push(r);
          break;
        }
      }
      out.push(core.rawCount(c), core.rawChecksum(c), core.rawPending(c), core.reservedIgnored());
      core.rawClose(c);
    };
    for (const kind of ['bhs48', 'mixed'] as const) frame(makeStream({ pdus: 3000, seed: 7, kind }), 0);
    // Every opcode, random headers with no data segment, each bit flipped in turn: every rule's
    // verdict and every reserved bit's count, from both directions.
    const r = rng(20);
    for (let op = 0; op < 64; op++) {
      const base = Uint8Array.from({ length: 48 }, () => (r() * 256) | 0);
      base[0] = op | (base[0] & 0xc0);
      base.fill(0, 4, 8);
      for (let bit = 0; bit < 48 * 8; bit++) {
        const p = base.slice();
        p[bit >> 3] ^= 1 << (bit & 7);
        frame(p, bit & 1 ? CODE.RAW_ANY_DIRECTION : 0);
      }
    }
    const data = Uint8Array.from({ length: 8192 }, () => (r() * 256) | 0);
    rx.set(data);
    for (const n of [0, 1, 15, 16, 17, 48, 52, 4096, 8192]) out.push(core.crc(n));
    return out;
  };
  it('frame, check and digest the same inputs alike', () => {
    if (!simdHere) return; // only the scalar build runs here
    const [a, b] = BUILDS.map(run);
    expect(a.length).toBe(b.length);
    const first = a.findIndex((x, i) => x !== b[i]);
    expect(first).toBe(-1);
  });
  it('the build in use frames the benchmark streams to the known checksums', () => {
    const core = instantiateCore(8, 16);
    const { rx } = coreViews(core);
    const c = core.rawOpen(0, 8192);
    const s = makeStream({ pdus: 100000, seed: 2, kind: 'bhs48' });
    for (let at = 0; at < s.length; at += 65536) {
      const part = s.subarray(at, Math.min(s.length, at + 65536));
      rx.set(part);
      expect(core.rawFeed(c, part.length)).toBeGreaterThan(0);
    }
    expect([core.rawCount(c), core.rawChecksum(c) >>> 0]).toEqual([100000, 3510002085]);
  });
});
