import { describe, expect, it } from 'vitest';
import { freshCore, hexBytes } from './helpers/core.ts';
import { crc32c as jsCrc } from '../target/crc32c.ts';

// RFC 3720 Appendix B.4: the CRC as the bytes that go on the wire (little-endian).
const VECTORS: [string, Uint8Array, string][] = [
  ['32 bytes of zeros', new Uint8Array(32), 'aa36918a'],
  ['32 bytes of 0xff', new Uint8Array(32).fill(0xff), '43aba862'],
  ['32 incrementing bytes', Uint8Array.from({ length: 32 }, (_, i) => i), '4e79dd46'],
  ['32 decrementing bytes', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), '5cdb3f11'],
  [
    'an iSCSI READ command PDU',
    hexBytes(`
    01 c0 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    14 00 00 00 00 00 04 00 00 00 00 14 00 00 00 18
    28 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00`),
    '563a96d9',
  ],
];
const wire = (v: number) =>
  [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('CRC32C', () => {
  const { core, rx } = freshCore();
  const wasm = (b: Uint8Array) => {
    rx.set(b);
    return core.crc(b.length) >>> 0;
  };

  it('"123456789" gives 0xE3069283 (Wasm and JS)', () => {
    const b = new TextEncoder().encode('123456789');
    expect(wasm(b)).toBe(0xe3069283);
    expect(jsCrc(b)).toBe(0xe3069283);
  });
  for (const [name, bytes, want] of VECTORS) {
    it(`RFC 3720 B.4: ${name}`, () => {
      expect(wire(wasm(bytes))).toBe(want);
      expect(wire(jsCrc(bytes))).toBe(want);
    });
  }
  it('Wasm and JS agree on every length 0..300 (the slicing tail paths)', () => {
    const b = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    for (let n = 0; n <= 300; n++) expect(wasm(b.subarray(0, n))).toBe(jsCrc(b, 0, n));
  });
});
