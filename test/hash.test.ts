// The pure hashes (hosts/hash/) a browser's CHAP uses: the published vectors, and agreement with node:crypto
// at every length across the 64- and 136-byte block and padding boundaries.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { type DigestName, pureDigest } from '../hosts/hash/digest.ts';
import { md5 } from '../hosts/hash/md5.ts';
import { sha1 } from '../hosts/hash/sha1.ts';
import { sha256 } from '../hosts/hash/sha256.ts';
import { sha3_256 } from '../hosts/hash/sha3-256.ts';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const ascii = (s: string) => new TextEncoder().encode(s);
const nodeHex = (name: DigestName, b: Uint8Array) => createHash(name).update(b).digest('hex');

/** xorshift32 bytes: the same pattern on every run and runtime, with no long runs of one value. */
function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 24;
  }
  return out;
}

const MSG448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq';
const MILLION_A = new Uint8Array(1_000_000).fill(0x61);

// RFC 1321 §A.5 (MD5), FIPS 180 examples and NIST CSRC example values (SHA-1, SHA-256, SHA3-256).
const ALGORITHMS: {
  name: DigestName;
  fn: (d: Uint8Array) => Uint8Array;
  empty: string;
  abc: string;
  m448: string;
  million: string;
}[] = [
  {
    name: 'md5',
    fn: md5,
    empty: 'd41d8cd98f00b204e9800998ecf8427e',
    abc: '900150983cd24fb0d6963f7d28e17f72',
    m448: '8215ef0796a20bcaaae116d3876c664a',
    million: '7707d6ae4e027c70eea2a935c2296f21',
  },
  {
    name: 'sha1',
    fn: sha1,
    empty: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    abc: 'a9993e364706816aba3e25717850c26c9cd0d89d',
    m448: '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    million: '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
  },
  {
    name: 'sha256',
    fn: sha256,
    empty: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    abc: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    m448: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    million: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
  },
  {
    name: 'sha3-256',
    fn: sha3_256,
    empty: 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a',
    abc: '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532',
    m448: '41c0dba2a9d6240849100376a8235e2c82e1b9998a999e21db32dd97496d3376',
    million: '5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1',
  },
];

for (const a of ALGORITHMS) {
  describe(a.name, () => {
    it('the empty message gives the published digest', () => {
      expect(hex(a.fn(new Uint8Array(0)))).toBe(a.empty);
    });
    it('"abc" gives the published digest', () => {
      expect(hex(a.fn(ascii('abc')))).toBe(a.abc);
    });
    it('the 448-bit two-block message gives the published digest', () => {
      expect(hex(a.fn(ascii(MSG448)))).toBe(a.m448);
    });
    it("one million 'a' gives the published digest", () => {
      expect(hex(a.fn(MILLION_A))).toBe(a.million);
    });
    it('every length 0..300 of a pseudo-random pattern agrees with node:crypto', () => {
      const bytes = pattern(300);
      const wrong: number[] = [];
      for (let n = 0; n <= 300; n++) {
        const part = bytes.subarray(0, n);
        if (hex(a.fn(part)) !== nodeHex(a.name, part)) wrong.push(n);
      }
      expect(wrong).toEqual([]);
    });
    it('hashes a view at a non-zero offset by its own bytes, leaving them unchanged', () => {
      const whole = pattern(200);
      const view = whole.subarray(37, 37 + 150);
      const before = hex(whole);
      expect(hex(a.fn(view))).toBe(nodeHex(a.name, view));
      expect(hex(whole)).toBe(before);
    });
    it(`pureDigest('${a.name}') is the same function`, () => {
      const bytes = pattern(77);
      expect(hex(pureDigest(a.name, bytes))).toBe(hex(a.fn(bytes)));
    });
  });
}

describe('pureDigest', () => {
  it('throws an Error naming an algorithm it does not know', () => {
    for (const name of ['sha512', 'toString', '__proto__']) {
      expect(() => pureDigest(name as DigestName, new Uint8Array(0))).toThrow(name);
    }
  });
});
