import { describe, expect, it } from 'vitest';
import { freshCore, rng } from './helpers/core.ts';
import { makeStream } from './helpers/stream.ts';
import { JsFramer } from './helpers/js-framer.ts';
import { CODE } from '../hosts/codes.ts';
import * as cdb from '../hosts/scsi/cdb.ts';
import { all, Driver, find, ittOf, targetPdu } from './helpers/driver.ts';
import { crc32c } from '../target/crc32c.ts';

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
  // `bytes` framed on a fresh connection, in one chunk (cut 0) or two split at `cut`:
  // [feed result, PDUs handed on, their checksum, bytes left pending].
  const framedAt = (flags: number, bytes: Uint8Array, cut = 0) => {
    const c = core.rawOpen(flags, 8192);
    const got = [feedAll(c, bytes, cut ? [cut] : []), core.rawCount(c), core.rawChecksum(c) >>> 0, core.rawPending(c)];
    core.rawClose(c);
    return got;
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
    const flags = CODE.RAW_HEADER_DIGEST | CODE.RAW_DATA_DIGEST;
    const want = framedAt(flags, s);
    expect([want[0], want[1], want[3]]).toEqual([0, 3, 0]);
    for (let cut = 1; cut < s.length; cut++) {
      const got = framedAt(flags, s, cut);
      if (got.join() !== want.join()) throw new Error(`split at ${cut} differs: ${got} against ${want}`);
    }
  });

  it('header-only PDUs with header digests, whole and split at every byte, frame as the same PDUs without', () => {
    // Their length comes from one word when neither AHS nor data follows (pduLength): with a
    // header digest that is 52 bytes, whether the header arrives whole or straddles chunks.
    const plain = makeStream({ pdus: 6, seed: 13, kind: 'bhs48' });
    const digested = makeStream({ pdus: 6, seed: 13, kind: 'bhs48', headerDigest: true });
    expect(digested.length).toBe(6 * 52);
    const want = framedAt(0, plain);
    expect([want[0], want[1], want[3]]).toEqual([0, 6, 0]);
    for (let cut = 0; cut < digested.length; cut++) {
      expect([cut, ...framedAt(CODE.RAW_HEADER_DIGEST, digested, cut)]).toEqual([cut, ...want]);
    }
  });

  it('a PDU with an AHS and no data is not taken for a bare header, whole or split at every byte', () => {
    // Only all four of bytes 4-7 at zero say "48 bytes" (pduLength); a TotalAHSLength alone
    // still adds its words, and the header digest covers them.
    for (const hd of [false, true]) {
      const one = new Uint8Array(48 + 4 + (hd ? 4 : 0));
      one.set([0x01, 0x80, 0, 0, 1]); // SCSI Command, F, one AHS word, no data
      one.set([0, 2, 0x81, 0], 48); // the AHS: length 2, type 0x81, reserved byte
      if (hd) new DataView(one.buffer).setUint32(52, crc32c(one, 0, 52), true);
      const two = new Uint8Array(one.length * 2);
      two.set(one), two.set(one, one.length);
      const flags = CODE.RAW_ANY_DIRECTION | (hd ? CODE.RAW_HEADER_DIGEST : 0);
      const want = framedAt(flags, two);
      expect([want[0], want[1], want[3]]).toEqual([0, 2, 0]);
      for (let cut = 1; cut < two.length; cut++) {
        expect([hd, cut, ...framedAt(flags, two, cut)]).toEqual([hd, cut, ...want]);
      }
    }
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
      'a data segment on an R2T (bytes 4-7 are not reserved there, but must be 0)',
      (s) => {
        s.set([0x31, 0x80, 0, 0, 0, 0, 0, 4], 0);
      },
      0,
      CODE.ERR_BAD_FIELD,
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
    let bytesFed = 0, reserved = core.reservedIgnored();
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
        expect(core.reservedIgnored() - reserved).toBe(j.reserved);
        reserved = core.reservedIgnored();
        core.rawClose(c);
        bytesFed += s.length;
      }
    } catch (e) {
      throw new Error(`fuzz failed with FUZZ_SEED=${seed}: ${(e as Error).message}`);
    }
  });
});

describe('raw framer limits', () => {
  it('a MaxRecvDataSegmentLength above the most we ever declare is refused, not clamped', () => {
    const { core } = freshCore();
    expect(core.rawOpen(0, CODE.DATA_SEGMENT_MAX + 1)).toBe(CODE.ERR_BAD_FIELD);
    const c = core.rawOpen(0, CODE.DATA_SEGMENT_MAX);
    expect(c).toBeGreaterThanOrEqual(0);
    core.rawClose(c);
  });
});

// RFC 7143 §11: a receiver ignores reserved fields. decode() (the codec, strict) is the oracle for
// which bits are reserved: every bit it calls reserved must pass the framer and be counted; every
// other rule it applies, the framer applies with the same code.
describe('reserved fields on receipt', () => {
  const { core, rx } = freshCore();
  const TARGET_PDUS: [number, number][] = [
    [0x20, 0x80],
    [0x21, 0x80],
    [0x22, 0x80],
    [0x23, 0x87],
    [0x24, 0x80],
    [0x25, 0x00],
    [0x26, 0x80],
    [0x31, 0x80],
    [0x32, 0x80],
    [0x3f, 0x80],
  ];
  const frame = (p: Uint8Array) => {
    const c = core.rawOpen(0, CODE.MAX_RECV_DSL);
    rx.set(p);
    const r = core.rawFeed(c, p.length);
    const n = core.rawCount(c);
    core.rawClose(c);
    return r < 0 ? r : n;
  };

  it('every single reserved bit of every target PDU is ignored and counted; every other rule still holds', () => {
    let reservedBits = 0;
    for (const [op, b1] of TARGET_PDUS) {
      const base = targetPdu(op, b1, { ttt: op === 0x22 ? 0 : undefined }); // ITT all ones, no data segment
      rx.set(base);
      expect([op, core.decode()]).toEqual([op, 0]);
      // Not the opcode (bits 0-5 of byte 0) nor bytes 4-7, which frame the PDU (tested below).
      for (let bit = 6; bit < 48 * 8; bit++) {
        const at = bit >> 3;
        if (at >= 4 && at < 8) continue;
        const p = base.slice();
        p[at] ^= 1 << (bit & 7);
        rx.set(p);
        const codec = core.decode();
        const before = core.reservedIgnored();
        const got = frame(p);
        if (codec === CODE.ERR_RESERVED_NOT_ZERO) {
          reservedBits++;
          expect([op, at, bit & 7, got, core.reservedIgnored() - before]).toEqual([op, at, bit & 7, 1, 1]);
        } else {
          expect([op, at, bit & 7, got, core.reservedIgnored() - before]).toEqual([op, at, bit & 7, codec || 1, 0]);
        }
      }
    }
    // Byte 0 bits 6-7 and byte 1's of all ten, plus their reserved bytes: far more than a handful.
    expect(reservedBits).toBeGreaterThan(1000);
  });

  it('a stream whose every PDU has reserved bits set frames as the clean one, and the JS reference agrees', () => {
    const clean = makeStream({ pdus: 200, seed: 9, kind: 'bhs48' });
    const dirty = clean.slice();
    for (let at = 0; at < dirty.length; at += 48) {
      dirty[at] |= 0xc0; // bit 7 and the I bit
      dirty[at + 2] = 0x5a; // reserved in a NOP-In, an R2T; in a SCSI Response it is the response code ...
      if ((dirty[at] & 0x3f) === 0x21) dirty[at + 2] = 0, dirty.fill(0xa5, at + 8, at + 16); // ... so the LUN echo there
    }
    const run = (s: Uint8Array) => {
      const c = core.rawOpen(0, CODE.MAX_RECV_DSL);
      const before = core.reservedIgnored();
      rx.set(s);
      expect(core.rawFeed(c, s.length)).toBe(200);
      const out = [core.rawCount(c), core.rawChecksum(c) >>> 0, core.reservedIgnored() - before];
      core.rawClose(c);
      return out;
    };
    const [n, sum, none] = run(clean);
    expect(run(dirty)).toEqual([n, sum, 200]);
    expect(none).toBe(0);
    const j = new JsFramer();
    expect(j.feed(dirty)).toBe(0);
    expect([j.count, j.checksum, j.reserved]).toEqual([n, sum, 200]);
  });

  it('bytes 4-7 of an R2T, a Task Management or Logout Response are not reserved: non-zero is an error', () => {
    for (const op of [0x22, 0x26, 0x31]) {
      for (const [ahs, dsl] of [[0, 4], [1, 0], [0, CODE.MAX_RECV_DSL + 4]]) {
        const p = new Uint8Array(48 + ahs * 4 + dsl);
        p.set(targetPdu(op, 0x80, {}));
        p[4] = ahs;
        p.set([dsl >> 16, dsl >> 8, dsl], 5);
        const c = core.rawOpen(0, CODE.DATA_SEGMENT_MAX);
        rx.set(p);
        expect([op, ahs, dsl, core.rawFeed(c, p.length)]).toEqual([op, ahs, dsl, CODE.ERR_BAD_FIELD]);
        core.rawClose(c);
      }
    }
  });
});

/** A target PDU framed as the peer sends it: BHS, header digest, data, padding, data digest. The
 *  offsets where a chunk boundary is awkward come with it. */
function framed(bhs: Uint8Array, data: Uint8Array, hd: boolean, dd: boolean) {
  const h = 48 + (hd ? 4 : 0), padded = (data.length + 3) & ~3;
  const out = new Uint8Array(h + padded + (dd && data.length ? 4 : 0));
  out.set(bhs);
  out.set([data.length >> 16, data.length >> 8, data.length], 5);
  if (hd) new DataView(out.buffer).setUint32(48, crc32c(out, 0, 48), true);
  out.set(data, h);
  if (dd && data.length) new DataView(out.buffer).setUint32(h + padded, crc32c(out, h, h + padded), true);
  const M = CODE.MAX_RECV_DSL;
  const cuts = [1, 47, 48, h - 1, h, h + 1, h + M - 1, h + M, h + M + 1, h + data.length - 1, h + data.length];
  cuts.push(h + padded - 1, h + padded, h + padded + 1, h + padded + 2, h + padded + 3, out.length - 1);
  return { bytes: out, cuts: [...new Set(cuts.filter((c) => c > 0 && c < out.length))] };
}
const filled = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
};

// The fields with one allowed value are checked without a branch per rule (core/pdu.ts): each
// rule must still hold alone, whatever the opcodes around it.
describe('fields with one allowed value', () => {
  const { core, rx } = freshCore();
  const frame = (p: Uint8Array, anyDir = 0) => {
    const c = core.rawOpen(anyDir, CODE.MAX_RECV_DSL);
    rx.set(p);
    const r = core.rawFeed(c, p.length);
    core.rawClose(c);
    return r;
  };

  it('an Async Message or a Reject is refused unless its ITT is 0xFFFFFFFF', () => {
    for (const op of [0x32, 0x3f]) {
      expect([op, frame(targetPdu(op, 0x80, { itt: 0xffffffff }))]).toEqual([op, 1]);
      expect([op, frame(targetPdu(op, 0x80, { itt: 0xfffffffe }))]).toEqual([op, CODE.ERR_BAD_FIELD]);
    }
    // A NOP-In may carry any ITT: the rule belongs to the two opcodes above only.
    expect(frame(targetPdu(0x20, 0x80, { itt: 7 }))).toBe(1);
  });

  it('a Logout Request is refused with a reason code above 2, whatever else the stream holds', () => {
    const logout = (reason: number) => {
      const p = new Uint8Array(48);
      p.set([0x46, 0x80 | reason]);
      new DataView(p.buffer).setUint32(16, 9);
      return p;
    };
    for (const reason of [0, 1, 2]) {
      expect([reason, frame(logout(reason), CODE.RAW_ANY_DIRECTION)]).toEqual([reason, 1]);
    }
    expect(frame(logout(3), CODE.RAW_ANY_DIRECTION)).toBe(CODE.ERR_BAD_FIELD);
    const mixed = new Uint8Array(48 * 3);
    mixed.set(targetPdu(0x21, 0x80, {}), 0);
    mixed.set(logout(3), 48);
    mixed.set(targetPdu(0x31, 0x80, {}), 96);
    expect(frame(mixed, CODE.RAW_ANY_DIRECTION)).toBe(CODE.ERR_BAD_FIELD);
  });
});

describe('data segments longer than the reassembly buffer, up to what we declared', () => {
  const { core, rx } = freshCore();
  const M = CODE.MAX_RECV_DSL;
  /** Long and short target PDUs mixed: [bytes, awkward cuts, the checksum raw mode must reach]. */
  function stream(hd: boolean, dd: boolean) {
    const pdus: [Uint8Array, number][] = [
      [targetPdu(0x20, 0x80, { ttt: 0x5678, statsn: 1 }), 65537], // NOP-In ping, with padding
      [targetPdu(0x20, 0x80, { ttt: 0x1, statsn: 1 }), 0],
      [targetPdu(0x21, 0x80, { itt: 0x80001000, statsn: 1 }), 20477], // SCSI Response
      [targetPdu(0x32, 0x80, { statsn: 2, w36: 0xff000000 }), 12288], // Async Message, vendor data
      [targetPdu(0x3f, 0x80, { statsn: 2, byte2: 9 }), M + 1], // Reject: a header, then more
      [targetPdu(0x21, 0x80, { itt: 0x80002000, statsn: 2 }), M], // just fits: kept whole
      [targetPdu(0x31, 0x80, { itt: 0x80002000, statsn: 3 }), 0],
    ];
    const parts: Uint8Array[] = [], cuts: number[] = [];
    let at = 0, sum = 0;
    for (const [bhs, dsl] of pdus) {
      const f = framed(bhs, filled(dsl, at), hd, dd);
      parts.push(f.bytes);
      cuts.push(...f.cuts.map((c) => at + c), at);
      at += f.bytes.length;
      const dv = new DataView(bhs.buffer);
      sum = (Math.imul(sum, 31) + (((bhs[0] & 0x3f) | (dsl << 8)) ^ dv.getUint32(16) ^ dv.getUint32(24))) >>> 0;
    }
    return {
      bytes: concat(parts),
      cuts: [...new Set(cuts)].filter((c) => c > 0).sort((a, b) => a - b),
      sum,
      pdus: pdus.length,
    };
  }
  const flags = (hd: boolean, dd: boolean) => (hd ? CODE.RAW_HEADER_DIGEST : 0) | (dd ? CODE.RAW_DATA_DIGEST : 0);
  /** Feeds `bytes` cut at `cuts` (and wherever RX is full); the first error, or 0. */
  const feed = (c: number, bytes: Uint8Array, cuts: number[]) => {
    let last = 0;
    for (const cut of [...cuts, bytes.length]) {
      for (let at = last; at < cut;) {
        const part = bytes.subarray(at, Math.min(cut, at + rx.length));
        rx.set(part);
        const r = core.rawFeed(c, part.length);
        if (r < 0) return r;
        at += part.length;
      }
      last = cut;
    }
    return 0;
  };
  const run = (bytes: Uint8Array, cuts: number[], f: number, limit: number = CODE.DATA_SEGMENT_MAX) => {
    const c = core.rawOpen(f, limit);
    const cut0 = core.dataSegmentsCut();
    const r = feed(c, bytes, cuts);
    const out = { r, count: core.rawCount(c), sum: core.rawChecksum(c) >>> 0, pending: core.rawPending(c) };
    core.rawClose(c);
    return { ...out, cut: core.dataSegmentsCut() - cut0 };
  };

  for (const [hd, dd] of [[false, false], [true, false], [false, true], [true, true]]) {
    it(`one chunk, every awkward cut, each pair of neighbouring cuts: the same PDUs (digests: header ${hd}, data ${dd})`, () => {
      const s = stream(hd, dd);
      const want = { r: 0, count: s.pdus, sum: s.sum, pending: 0, cut: 4 };
      expect(run(s.bytes, [], flags(hd, dd))).toEqual(want);
      for (const cut of s.cuts) {
        const got = run(s.bytes, [cut], flags(hd, dd));
        if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`cut at ${cut}: ${JSON.stringify(got)}`);
      }
      for (let i = 0; i + 1 < s.cuts.length; i++) {
        const got = run(s.bytes, [s.cuts[i], s.cuts[i + 1]], flags(hd, dd));
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          throw new Error(`cuts at ${s.cuts.slice(i, i + 2)}: ${JSON.stringify(got)}`);
        }
      }
    });
  }

  it('one byte per call through long PDUs, with both digests', () => {
    const s = stream(true, true);
    expect(run(s.bytes, Array.from({ length: s.bytes.length - 1 }, (_, i) => i + 1), flags(true, true))).toEqual({
      r: 0,
      count: s.pdus,
      sum: s.sum,
      pending: 0,
      cut: 4,
    });
  });

  it('the data digest covers the part not kept: one flipped byte anywhere is ERR_DATA_DIGEST, whatever the chunking', () => {
    const bhs = targetPdu(0x21, 0x80, { itt: 0x80001000, statsn: 1 });
    const f = framed(bhs, filled(20477, 3), true, true);
    const h = 52, padded = (20477 + 3) & ~3;
    for (const at of [h, h + M - 1, h + M, h + 15000, h + 20476, h + 20477, h + padded, f.bytes.length - 1]) {
      const bad = f.bytes.slice();
      bad[at] ^= 0x10;
      for (const cuts of [[], [h + M], [100], f.cuts]) {
        const got = run(bad, cuts, flags(true, true));
        expect([at, cuts.length, got.r, got.count]).toEqual([at, cuts.length, CODE.ERR_DATA_DIGEST, 0]);
      }
    }
  });

  it('the header is checked before the rest is skipped on its word', () => {
    const f = framed(targetPdu(0x20, 0x80, { ttt: 1 }), filled(100000, 1), true, false);
    const bad = f.bytes.slice(0, 52 + M + 10); // the header, the part kept, a little of the rest
    bad[48] ^= 1;
    expect(run(bad, [], flags(true, false)).r).toBe(CODE.ERR_HEADER_DIGEST);
    expect(run(bad, [30, 52 + M], flags(true, false)).r).toBe(CODE.ERR_HEADER_DIGEST);
    const unknown = framed(targetPdu(0x1f, 0x80, {}), filled(100000, 1), false, false).bytes.slice(0, 48 + M);
    expect(run(unknown, [30], 0).r).toBe(CODE.ERR_UNKNOWN_OPCODE);
    const initiator = framed(targetPdu(0x00, 0x80, {}), filled(100000, 1), false, false).bytes.slice(0, 48 + M);
    expect(run(initiator, [30], 0).r).toBe(CODE.ERR_NOT_INITIATOR_PDU);
  });

  it('above what we declared is still an error: 8 KiB on a login or discovery connection, 256 KiB in full feature', () => {
    const nop = (n: number) => framed(targetPdu(0x20, 0x80, { ttt: 1 }), filled(n, 1), false, false).bytes;
    expect(run(nop(M), [], 0, M)).toMatchObject({ r: 0, count: 1, cut: 0 });
    expect(run(nop(M + 1), [], 0, M)).toMatchObject({ r: CODE.ERR_DSL_TOO_LARGE, count: 0 });
    expect(run(nop(M + 1), [20], 0, M)).toMatchObject({ r: CODE.ERR_DSL_TOO_LARGE, count: 0 });
    const most = nop(CODE.DATA_SEGMENT_MAX); // longer than RX: fed in two calls
    expect(run(most, [], 0)).toMatchObject({ r: 0, count: 1, cut: 1, pending: 0 });
    most[7] = 1; // DataSegmentLength 2^18 + 1
    expect(run(most, [], 0)).toMatchObject({ r: CODE.ERR_DSL_TOO_LARGE, count: 0 });
  });
});

// What the session's handlers see of a long PDU: the header and the first MAX_RECV_DSL bytes.
describe('long PDUs on a session in full feature', () => {
  const M = CODE.MAX_RECV_DSL;
  /** A logged-in session, digests as asked, on the test's own clock. */
  function loggedIn(digests: boolean) {
    const d = new Driver();
    const { c, s } = d.loggedIn(d.target(), { digests: { header: digests, data: digests } });
    return { d, c, s };
  }
  const sense = Uint8Array.of(0x70, 0, 3, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x11, 0, 0, 0, 0, 0);
  /** CHECK CONDITION for `itt`: SenseLength, the sense, then response data up to `n` bytes. */
  const response = (itt: number, n: number, digests: boolean, senseLength = sense.length) => {
    const bhs = targetPdu(0x21, 0x80, { itt, statsn: 3 });
    bhs[3] = 0x02;
    const data = filled(n, 5);
    data.set([senseLength >> 8, senseLength & 0xff], 0);
    data.set(sense, 2);
    return framed(bhs, data, digests, digests);
  };
  const feedCut = (d: Driver, c: number, bytes: Uint8Array, cuts: number[]) => {
    const out = [];
    let last = 0;
    for (const cut of [...cuts, bytes.length]) out.push(...d.data(c, bytes.subarray(last, cut))), last = cut;
    return out;
  };

  for (const digests of [false, true]) {
    it(
      `a 20 KiB CHECK CONDITION ends its command with the sense at its start, at every awkward cut${
        digests ? ' (digests)' : ''
      }`,
      () => {
        const { d, c, s } = loggedIn(digests);
        const probe = response(0, 20477, digests);
        for (const cuts of [[], ...probe.cuts.map((x) => [x])]) {
          const { t, acts } = d.command(s, cdb.testUnitReady());
          const itt = ittOf(find(acts, 'send')!.bytes);
          const done = find(feedCut(d, c, response(itt, 20477, digests).bytes, cuts), 'task-done');
          expect([cuts[0], done?.task, done?.reason, done?.status, [...(done?.bytes ?? [])]]).toEqual([
            cuts[0],
            t,
            CODE.T_COMPLETED,
            0x02,
            [...sense],
          ]);
        }
        expect(d.connState(c)).toBe(CODE.S5_LOGGED_IN);
      },
    );
  }

  it('a SenseLength past the part kept is cut to it; past the whole segment it is a protocol error', () => {
    const { d, c, s } = loggedIn(false);
    let itt = ittOf(find(d.command(s, cdb.testUnitReady()).acts, 'send')!.bytes);
    const cut = find(d.data(c, response(itt, 20000, false, 12000).bytes), 'task-done')!;
    expect([cut.status, cut.bytes.length, [...cut.bytes.subarray(0, sense.length)]]).toEqual([2, M - 2, [...sense]]);
    const { t, acts } = d.command(s, cdb.testUnitReady());
    itt = ittOf(find(acts, 'send')!.bytes);
    const out = d.data(c, response(itt, 20000, false, 19999).bytes);
    expect(find(out, 'task-done')).toMatchObject({ task: t, reason: CODE.T_SESSION_LOST });
    expect(find(out, 'event')).toMatchObject({ event: CODE.EV_PROTOCOL_ERROR });
  });

  for (const digests of [false, true]) {
    it(
      `a 64 KiB NOP-In ping is answered by one NOP-Out with no data, at every awkward cut${
        digests ? ' (digests)' : ''
      }`,
      () => {
        const { d, c } = loggedIn(digests);
        const ping = framed(targetPdu(0x20, 0x80, { ttt: 0x5678, statsn: 3 }), filled(65536, 9), digests, digests);
        for (const cuts of [[], ...ping.cuts.map((x) => [x])]) {
          const sent = all(feedCut(d, c, ping.bytes, cuts), 'send').map((a) => a.bytes);
          const word = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at);
          // NOP-Out, Immediate; DataSegmentLength 0; ITT reserved; the ping's TTT echoed.
          expect([cuts[0], sent.length, sent[0][0], word(sent[0], 4), word(sent[0], 16), word(sent[0], 20)])
            .toEqual([cuts[0], 1, 0x40, 0, 0xffffffff, 0x5678]);
        }
      },
    );
  }

  it('above our 256 KiB declaration, or during login above 8 KiB, a data segment is a protocol error', () => {
    const { d, c } = loggedIn(false);
    const over = targetPdu(0x20, 0x80, { ttt: 1, statsn: 3 });
    over.set([(CODE.DATA_SEGMENT_MAX + 4) >> 16, 0, 4], 5);
    expect(find(d.data(c, over), 'event')).toMatchObject({
      event: CODE.EV_PROTOCOL_ERROR,
      p1: -CODE.ERR_DSL_TOO_LARGE,
    });
    const l = new Driver();
    const { acts } = l.login(l.target());
    const lc = find(acts, 'connect')!.conn;
    const sec = find(l.up(lc), 'send')!.bytes;
    const long = targetPdu(0x23, 0x81, { itt: ittOf(sec), statsn: 1 }, 'AuthMethod=None\0' + 'x'.repeat(M));
    expect(find(l.data(lc, long), 'login-status')!.reason).toBe(CODE.L_PROTOCOL_ERROR);
  });
});
