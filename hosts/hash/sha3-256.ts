// SHA3-256, FIPS 202: Keccak-f[1600] with each 64-bit lane held as two 32-bit halves (lo at 2i, hi at 2i+1).

// The ρ offsets and ι constants are derived as FIPS 202 §3.2.2 and §3.2.5 define them: no table to mistype.
const RHO = new Uint8Array(25);
for (let t = 0, x = 1, y = 0; t < 24; t++) {
  RHO[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
  [x, y] = [y, (2 * x + 3 * y) % 5];
}
const RC = new Int32Array(48);
for (let round = 0, r = 1; round < 24; round++) {
  for (let j = 0; j < 7; j++) {
    const bit = (1 << j) - 1;
    if (r & 1) RC[2 * round + (bit >>> 5)] |= 1 << (bit & 31);
    r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : r << 1;
  }
}

/** Rotates the lane (lo, hi) left by n into out[o], out[o + 1]. */
function rotl64(out: Int32Array, o: number, lo: number, hi: number, n: number): void {
  // Past 32 the halves trade places; a shift by exactly 32 (or 0) must not reach `>>> 32`, which JS reads as 0.
  if (n >= 32) [lo, hi, n] = [hi, lo, n - 32];
  if (n === 0) {
    out[o] = lo;
    out[o + 1] = hi;
  } else {
    out[o] = (lo << n) | (hi >>> (32 - n));
    out[o + 1] = (hi << n) | (lo >>> (32 - n));
  }
}

function keccakF1600(s: Int32Array): void {
  const c = new Int32Array(10), d = new Int32Array(2), b = new Int32Array(50);
  for (let round = 0; round < 24; round++) {
    for (let x = 0; x < 5; x++) {
      for (let k = 0; k < 2; k++) {
        c[2 * x + k] = s[2 * x + k] ^ s[2 * x + 10 + k] ^ s[2 * x + 20 + k] ^ s[2 * x + 30 + k] ^ s[2 * x + 40 + k];
      }
    }
    for (let x = 0; x < 5; x++) {
      const l = 2 * ((x + 4) % 5), r = 2 * ((x + 1) % 5);
      rotl64(d, 0, c[r], c[r + 1], 1);
      for (let y = 0; y < 5; y++) {
        s[2 * (x + 5 * y)] ^= c[l] ^ d[0];
        s[2 * (x + 5 * y) + 1] ^= c[l + 1] ^ d[1];
      }
    }
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const i = x + 5 * y;
        rotl64(b, 2 * (y + 5 * ((2 * x + 3 * y) % 5)), s[2 * i], s[2 * i + 1], RHO[i]);
      }
    }
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 5; x++) {
        const i = 2 * (x + 5 * y), i1 = 2 * ((x + 1) % 5 + 5 * y), i2 = 2 * ((x + 2) % 5 + 5 * y);
        s[i] = b[i] ^ (~b[i1] & b[i2]);
        s[i + 1] = b[i + 1] ^ (~b[i1 + 1] & b[i2 + 1]);
      }
    }
    s[0] ^= RC[2 * round];
    s[1] ^= RC[2 * round + 1];
  }
}

const RATE = 136; // bytes: 1600 bits less the 512-bit capacity of a 256-bit output

export function sha3_256(data: Uint8Array): Uint8Array {
  const m = new Uint8Array((Math.floor(data.length / RATE) + 1) * RATE);
  m.set(data);
  // SHA-3's domain bits 01, then pad10*1; when one byte is left both land in it as 0x86.
  m[data.length] ^= 0x06;
  m[m.length - 1] ^= 0x80;
  const v = new DataView(m.buffer);
  const s = new Int32Array(50);
  for (let off = 0; off < m.length; off += RATE) {
    for (let i = 0; i < RATE / 4; i++) s[i] ^= v.getInt32(off + 4 * i, true);
    keccakF1600(s);
  }
  const out = new Uint8Array(32);
  const o = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) o.setInt32(4 * i, s[i], true);
  return out;
}
