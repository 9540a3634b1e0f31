// Merkle–Damgård strengthening shared by MD5 (RFC 1321 §3.1–3.2) and SHA-1/SHA-256 (FIPS 180-4 §5.1.1).

/** A copy of `data` with 0x80, zeros, and the 64-bit bit length, to a multiple of 64 bytes; the copy
 *  leaves the caller's bytes alone and gives the block loop a buffer starting at offset 0. */
export function mdPad(data: Uint8Array, littleEndian: boolean): Uint8Array {
  const n = data.length;
  const out = new Uint8Array((((n + 8) >>> 6) + 1) << 6);
  out.set(data);
  out[n] = 0x80;
  const v = new DataView(out.buffer);
  // The bit count can pass 2^32 while the byte count is a safe integer, so the high word is computed apart.
  const lo = (n << 3) >>> 0, hi = Math.floor(n / 0x20000000);
  const end = out.length;
  if (littleEndian) {
    v.setUint32(end - 8, lo, true);
    v.setUint32(end - 4, hi, true);
  } else {
    v.setUint32(end - 8, hi);
    v.setUint32(end - 4, lo);
  }
  return out;
}
