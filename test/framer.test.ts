import { describe, expect, it } from 'vitest';
import { freshCore, rng } from './helpers/core.ts';
import { makeStream } from './helpers/stream.ts';
import { JsFramer } from './helpers/js-framer.ts';
import { CODE } from '../hosts/codes.ts';

describe('framing over chunked input', () => {
  const { core, rx } = freshCore();
  const feedAll = (c: number, bytes: Uint8Array, cuts: number[]) => {
    let last = 0;
    for (const cut of [...cuts, bytes.length]) {
      const part = bytes.subarray(last, cut);
      rx.set(part);
      const r = core.rawFeed(c, part.length);
      if (r < 0) return r;
      last = cut;
    }
    return 0;
  };
  const reference = (bytes: Uint8Array) => {
    const j = new JsFramer();
    expect(j.feed(bytes)).toBe(0);
    return j;
  };

  it('many PDUs in one chunk: count and checksum match the JS reference', () => {
    const s = makeStream({ pdus: 200, seed: 7, kind: 'bhs48' });
    const c = core.rawOpen(0, 8192);
    expect(feedAll(c, s, [])).toBe(0);
    const j = reference(s);
    expect(core.rawCount(c)).toBe(200);
    expect(core.rawChecksum(c) >>> 0).toBe(j.checksum);
    core.rawClose(c);
  });

  it('a PDU split at every byte boundary (with header and data digests)', () => {
    const s = makeStream({ pdus: 3, seed: 3, headerDigest: true, dataDigest: true, kind: 'mixed' });
    const whole = core.rawOpen(CODE.RAW_HEADER_DIGEST | CODE.RAW_DATA_DIGEST, 8192);
    expect(feedAll(whole, s, [])).toBe(0);
    const want = [core.rawCount(whole), core.rawChecksum(whole) >>> 0];
    core.rawClose(whole);
    for (let cut = 1; cut < s.length; cut++) {
      const c = core.rawOpen(CODE.RAW_HEADER_DIGEST | CODE.RAW_DATA_DIGEST, 8192);
      expect(feedAll(c, s, [cut])).toBe(0);
      if (core.rawCount(c) !== want[0] || (core.rawChecksum(c) >>> 0) !== want[1]) {
        throw new Error(`split at ${cut} differs`);
      }
      expect(core.rawPending(c)).toBe(0);
      core.rawClose(c);
    }
    expect(want[0]).toBe(3);
  });

  it('one byte per call', () => {
    const s = makeStream({ pdus: 20, seed: 11, kind: 'bhs48' });
    const c = core.rawOpen(0, 8192);
    expect(feedAll(c, s, Array.from({ length: s.length - 1 }, (_, i) => i + 1))).toBe(0);
    expect(core.rawCount(c)).toBe(20);
    expect(core.rawChecksum(c) >>> 0).toBe(reference(s).checksum);
    core.rawClose(c);
  });

  const bad: [string, (s: Uint8Array) => void, number, number][] = [
    [
      'unknown opcode',
      (s) => {
        s[0] = 0x1f;
      },
      0,
      CODE.ERR_UNKNOWN_OPCODE,
    ],
    [
      'data segment over MaxRecvDataSegmentLength',
      (s) => {
        s[5] = 0x01;
      },
      0,
      CODE.ERR_DSL_TOO_LARGE,
    ],
    [
      'reserved byte set',
      (s) => {
        s[2] = 1;
      },
      0,
      CODE.ERR_RESERVED_NOT_ZERO,
    ],
    [
      'an initiator opcode from the target',
      (s) => {
        s[0] = 0x06;
        s[1] = 0x80;
      },
      0,
      CODE.ERR_NOT_INITIATOR_PDU,
    ],
  ];
  for (const [name, spoil, , code] of bad) {
    it(`bad input: ${name} -> its code, framing stops, nothing trapped`, () => {
      const s = makeStream({ pdus: 4, seed: 5, kind: 'bhs48' });
      spoil(s);
      const c = core.rawOpen(0, 8192);
      rx.set(s);
      expect(core.rawFeed(c, s.length)).toBe(code);
      expect(core.rawFeed(c, 1)).toBe(CODE.ERR_FRAMING_STOPPED);
      core.rawClose(c);
    });
  }
  it('bad input: header digest mismatch', () => {
    const s = makeStream({ pdus: 2, seed: 5, kind: 'bhs48', headerDigest: true });
    s[48] ^= 1;
    const c = core.rawOpen(CODE.RAW_HEADER_DIGEST, 8192);
    rx.set(s);
    expect(core.rawFeed(c, s.length)).toBe(CODE.ERR_HEADER_DIGEST);
    core.rawClose(c);
  });
  it('bad input: data digest mismatch', () => {
    const s = makeStream({ pdus: 1, seed: 1, kind: 'mixed', dataDigest: true });
    expect(s.length).toBe(48 + 8192 + 4);
    s[s.length - 1] ^= 1;
    const c = core.rawOpen(CODE.RAW_DATA_DIGEST, 8192);
    rx.set(s);
    expect(core.rawFeed(c, s.length)).toBe(CODE.ERR_DATA_DIGEST);
    core.rawClose(c);
  });

  it('seeded fuzz: random bytes and mutated streams in random chunks never trap and agree with the JS framer', () => {
    const seed = Number(
      (globalThis as { process?: { env: Record<string, string> } }).process?.env?.FUZZ_SEED ?? 20261123,
    );
    const r = rng(seed);
    let bytesFed = 0;
    try {
      while (bytesFed < 8_000_000) {
        const s = r() < 0.3
          ? Uint8Array.from({ length: 4096 }, () => (r() * 256) | 0)
          : makeStream({ pdus: 40, seed: (r() * 1e9) | 0 });
        for (let k = 0, n = (r() * 8) | 0; k < n; k++) s[(r() * s.length) | 0] = (r() * 256) | 0;
        const c = core.rawOpen(0, 8192);
        const j = new JsFramer();
        let at = 0, wasm = 0, js = 0;
        while (at < s.length) {
          const n = Math.min(s.length - at, 1 + ((r() * 20000) | 0));
          const part = s.subarray(at, at + n);
          rx.set(part);
          if (wasm >= 0) wasm = core.rawFeed(c, n);
          if (js === 0) js = j.feed(part);
          at += n;
        }
        expect(core.rawCount(c)).toBe(j.count);
        expect(core.rawChecksum(c) >>> 0).toBe(j.checksum);
        expect(wasm < 0).toBe(js < 0);
        core.rawClose(c);
        bytesFed += s.length;
      }
    } catch (e) {
      throw new Error(`fuzz failed with FUZZ_SEED=${seed}: ${(e as Error).message}`);
    }
  });
});

describe('raw framer limits', () => {
  it('a MaxRecvDataSegmentLength above the reassembly buffer is refused, not clamped', () => {
    const { core } = freshCore();
    expect(core.rawOpen(0, CODE.MAX_RECV_DSL + 1)).toBe(CODE.ERR_BAD_FIELD);
    const c = core.rawOpen(0, CODE.MAX_RECV_DSL);
    expect(c).toBeGreaterThanOrEqual(0);
    core.rawClose(c);
  });
});
