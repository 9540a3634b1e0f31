// Sense data decoding (hosts/scsi/sense.ts) with hostile buffers: a target's sense is read only
// as far as its ADDITIONAL SENSE LENGTH and the buffer both go, and never throws.
import { describe, expect, it } from 'vitest';
import { decodeSense } from 'iscsi-adapter';

// Fixed format, 18 bytes: MEDIUM ERROR / UNRECOVERED READ ERROR, INFORMATION 0x1234 (VALID).
const fixed = () => Uint8Array.of(0xf0, 0, 3, 0, 0, 0x12, 0x34, 10, 0, 0, 0, 0, 0x11, 0, 0, 0, 0, 0);
// Descriptor format: ILLEGAL REQUEST / LBA OUT OF RANGE; a sense-key specific descriptor (8 bytes),
// then an Information descriptor (12 bytes) holding 0x0102030405060708.
const descriptor = () =>
  Uint8Array.of(
    0x72,
    5,
    0x21,
    0,
    0,
    0,
    0,
    20,
    ...[0x02, 0x06, 0, 0, 0, 0, 0, 0],
    ...[0x00, 0x0a, 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
const with7 = (b: Uint8Array, length: number) => (b[7] = length, b);

describe('fixed format', () => {
  it('whole: sense key, ASC/ASCQ and INFORMATION', () => {
    expect(decodeSense(fixed())).toEqual({
      senseKey: 3,
      asc: 0x11,
      ascq: 0,
      information: 0x1234n,
      text: 'MEDIUM ERROR: UNRECOVERED READ ERROR',
    });
  });

  it('ASC and ASCQ past the ADDITIONAL SENSE LENGTH are not read, though the buffer holds them', () => {
    expect(decodeSense(with7(fixed(), 4))).toEqual({
      senseKey: 3,
      asc: 0,
      ascq: 0,
      information: 0x1234n,
      text: 'MEDIUM ERROR',
    });
    const b = with7(fixed(), 5); // ASC in, ASCQ out
    b[13] = 0x99;
    expect(decodeSense(b)).toMatchObject({ asc: 0x11, ascq: 0, text: 'MEDIUM ERROR: UNRECOVERED READ ERROR' });
  });

  it('a length byte larger than the buffer: what the buffer holds', () => {
    expect(decodeSense(with7(fixed(), 255).subarray(0, 14))).toMatchObject({ senseKey: 3, asc: 0x11, ascq: 0 });
    expect(decodeSense(with7(fixed(), 255).subarray(0, 13))).toMatchObject({ senseKey: 3, asc: 0x11, ascq: 0 });
    expect(decodeSense(with7(fixed(), 255).subarray(0, 12))).toMatchObject({ senseKey: 3, asc: 0, ascq: 0 });
  });

  it('truncated: the sense key alone, then nothing; INFORMATION only when all four bytes came', () => {
    expect(decodeSense(fixed().subarray(0, 7))).toEqual({
      senseKey: 3,
      asc: 0,
      ascq: 0,
      information: 0x1234n,
      text: 'MEDIUM ERROR',
    });
    expect(decodeSense(fixed().subarray(0, 6))).toEqual({ senseKey: 3, asc: 0, ascq: 0, text: 'MEDIUM ERROR' });
    expect(decodeSense(fixed().subarray(0, 3))).toEqual({ senseKey: 3, asc: 0, ascq: 0, text: 'MEDIUM ERROR' });
    expect(decodeSense(fixed().subarray(0, 2))).toBe(undefined);
    expect(decodeSense(new Uint8Array(0))).toBe(undefined);
  });

  it('INFORMATION without the VALID bit is absent', () => {
    const b = fixed();
    b[0] = 0x70;
    expect(decodeSense(b)).toEqual({
      senseKey: 3,
      asc: 0x11,
      ascq: 0,
      text: 'MEDIUM ERROR: UNRECOVERED READ ERROR',
    });
  });
});

describe('descriptor format', () => {
  it('whole: the descriptors are walked to the Information descriptor', () => {
    expect(decodeSense(descriptor())).toEqual({
      senseKey: 5,
      asc: 0x21,
      ascq: 0,
      information: 0x0102030405060708n,
      text: 'ILLEGAL REQUEST: LOGICAL BLOCK ADDRESS OUT OF RANGE',
    });
    const deferred = descriptor();
    deferred[0] = 0x73;
    expect(decodeSense(deferred)?.information).toBe(0x0102030405060708n);
  });

  it('a descriptor the ADDITIONAL SENSE LENGTH cuts short is not read, though the buffer holds it', () => {
    expect(decodeSense(with7(descriptor(), 19))).toEqual({
      senseKey: 5,
      asc: 0x21,
      ascq: 0,
      text: 'ILLEGAL REQUEST: LOGICAL BLOCK ADDRESS OUT OF RANGE',
    });
    expect(decodeSense(with7(descriptor(), 0))?.information).toBe(undefined);
  });

  it('a length byte larger than the buffer, or a descriptor whose length runs past the end', () => {
    expect(decodeSense(with7(descriptor(), 255).subarray(0, 27))?.information).toBe(undefined);
    expect(decodeSense(with7(descriptor(), 255))?.information).toBe(0x0102030405060708n);
    const runaway = descriptor();
    runaway[9] = 0xff; // the first descriptor claims 255 bytes: nothing after it can be trusted
    expect(decodeSense(runaway)).toEqual({
      senseKey: 5,
      asc: 0x21,
      ascq: 0,
      text: 'ILLEGAL REQUEST: LOGICAL BLOCK ADDRESS OUT OF RANGE',
    });
    const short = descriptor();
    short[17] = 0x09; // an Information descriptor too short to hold the field
    expect(decodeSense(short)?.information).toBe(undefined);
    const invalid = descriptor();
    invalid[18] = 0; // VALID clear
    expect(decodeSense(invalid)?.information).toBe(undefined);
  });

  it('truncated header: what is there (an absent ASCQ is 0), then nothing', () => {
    expect(decodeSense(descriptor().subarray(0, 3))).toEqual({
      senseKey: 5,
      asc: 0x21,
      ascq: 0,
      text: 'ILLEGAL REQUEST: LOGICAL BLOCK ADDRESS OUT OF RANGE',
    });
    expect(decodeSense(descriptor().subarray(0, 2))).toEqual({ senseKey: 5, asc: 0, ascq: 0, text: 'ILLEGAL REQUEST' });
    expect(decodeSense(descriptor().subarray(0, 1))).toBe(undefined);
  });

  it('every prefix with every length byte: no exception, INFORMATION exactly when its descriptor is covered', () => {
    const full = descriptor();
    for (let n = 0; n <= full.length; n++) {
      for (let length = 0; length < 256; length++) {
        const b = full.slice(0, n);
        if (n > 7) b[7] = length;
        const end = n > 7 ? Math.min(n, 8 + length) : n;
        const s = decodeSense(b);
        expect([n, length, s === undefined, s?.information]).toEqual([
          n,
          length,
          n < 2,
          end >= 28 ? 0x0102030405060708n : undefined,
        ]);
      }
    }
  });

  it('read from its own bytes when it is a view into a larger buffer, never past its end', () => {
    const big = new Uint8Array(64).fill(0xee);
    big.set(with7(descriptor(), 8), 5); // the Information descriptor lies outside the length
    big.set([0x00, 0x0a, 0x80, 0, 9, 9, 9, 9, 9, 9, 9, 9], 5 + 16); // and past the view: junk
    expect(decodeSense(big.subarray(5, 5 + 16))).toEqual({
      senseKey: 5,
      asc: 0x21,
      ascq: 0,
      text: 'ILLEGAL REQUEST: LOGICAL BLOCK ADDRESS OUT OF RANGE',
    });
    big.set([0x00, 0x0a, 0x80, 0, 1, 2, 3, 4, 5, 6, 7, 8], 5 + 8);
    big[5 + 7] = 12;
    expect(decodeSense(big.subarray(5, 5 + 20))?.information).toBe(0x0102030405060708n);
  });
});

describe('neither format', () => {
  it('unknown response codes are not decoded', () => {
    for (const code of [0x00, 0x6f, 0x74, 0x7f]) {
      expect(decodeSense(Uint8Array.of(code, 5, 0x21, 0, 0, 0, 0, 0))).toBe(undefined);
    }
  });
});
