// The plain-TypeScript baseline: the fastest DataView framer we could write, with the same
// checks and the same checksum as the Wasm core's raw mode, so the two are compared like for like.
const B1_SET = new Uint8Array(64);
const KNOWN = new Uint8Array(64), ITT_ONES = new Uint8Array(64), NO_DATA = new Uint8Array(64);
// Per opcode: every reserved bit (bytes, byte 0 bits 7 and 6, byte 1's), as 12 little-endian words.
const MASK = new Uint32Array(64 * 12);
const bytes = (a: number, b: number) => {
  let lo = 0, hi = 0;
  for (let i = a; i <= b; i++) {
    if (i < 32) lo |= 1 << i;
    else hi |= 1 << (i - 32);
  }
  return [lo >>> 0, hi >>> 0];
};
const or = (...m: number[][]) => m.reduce((x, y) => [(x[0] | y[0]) >>> 0, (x[1] | y[1]) >>> 0], [0, 0]);
// Bytes 4-7 (TotalAHSLength, DataSegmentLength) in `m` mean "must be 0", not reserved, as in core/pdu.ts.
function rule(op: number, m: number[], b1r: number, b1s: number, ones = false) {
  B1_SET[op] = b1s;
  KNOWN[op] = 1;
  ITT_ONES[op] = ones ? 1 : 0;
  NO_DATA[op] = (m[0] & 0xf0) === 0xf0 ? 1 : 0;
  const bytes = new Uint8Array(MASK.buffer, op * 48, 48);
  for (let i = 0; i < 48; i++) {
    if ((i < 4 || i > 7) && (i < 32 ? m[0] >>> i : m[1] >>> (i - 32)) & 1) bytes[i] = 0xff;
  }
  bytes[0] = 0xc0; // target PDUs only here: bit 7 and the I bit
  bytes[1] = b1r;
}
rule(0x20, or(bytes(2, 3), bytes(36, 47)), 0x7f, 0x80);
rule(0x21, bytes(8, 15), 0x61, 0x80);
rule(0x22, or(bytes(3, 15), bytes(20, 23), bytes(36, 47)), 0x7f, 0x80);
rule(0x23, or(bytes(20, 23), bytes(38, 47)), 0x30, 0);
rule(0x24, or(bytes(2, 3), bytes(36, 47)), 0x3f, 0);
rule(0x25, bytes(2, 2), 0x38, 0);
rule(0x26, or(bytes(3, 15), bytes(20, 23), bytes(36, 39), bytes(44, 47)), 0x7f, 0x80);
rule(0x31, bytes(2, 7), 0x7f, 0x80);
rule(0x32, or(bytes(2, 3), bytes(20, 23), bytes(44, 47)), 0x7f, 0x80, true);
rule(0x3f, or(bytes(3, 3), bytes(8, 15), bytes(20, 23), bytes(40, 47)), 0x7f, 0x80, true);

export class JsFramer {
  private buf = new Uint8Array(48 + 1020 + 4 + 8192 + 4);
  private have = 0;
  private need = 0;
  count = 0;
  checksum = 0;
  error = 0;
  /** PDUs taken with a reserved bit set: ignored, as RFC 7143 §11 says a receiver does. */
  reserved = 0;
  constructor(private limit = 8192) {}

  private check(b: Uint8Array, dv: DataView, p: number): number {
    const op = b[p] & 0x3f;
    if (!KNOWN[op]) return -1;
    if ((b[p + 1] & B1_SET[op]) !== B1_SET[op]) return -7;
    if (ITT_ONES[op] && dv.getUint32(p + 16) !== 0xffffffff) return -12;
    if (NO_DATA[op] && dv.getUint32(p + 4) !== 0) return -12;
    const m = op * 12;
    let any = 0;
    for (let k = 0; k < 12; k++) any |= dv.getUint32(p + k * 4, true) & MASK[m + k];
    if (any) this.reserved++;
    return 0;
  }
  private deliver(b: Uint8Array, dv: DataView, p: number): number {
    const r = this.check(b, dv, p);
    if (r) return r;
    const op = b[p] & 0x3f;
    const dsl = (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7];
    const itt = dv.getUint32(p + 16);
    this.count++;
    this.checksum = (Math.imul(this.checksum, 31) + ((op | (dsl << 8)) ^ itt ^ dv.getUint32(p + 24))) >>> 0;
    return 0;
  }
  private length(b: Uint8Array, p: number): number {
    // neither AHS nor data: 48 bytes (the same shortcut as core/framer.ts pduLength)
    if ((b[p + 4] | b[p + 5] | b[p + 6] | b[p + 7]) === 0) return 48;
    const dsl = (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7];
    if (dsl > this.limit) return -2;
    return 48 + (b[p + 4] << 2) + ((dsl + 3) & ~3);
  }
  feed(chunk: Uint8Array): number {
    if (this.error) return this.error;
    const dv = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const len = chunk.length;
    let pos = 0;
    while (pos < len) {
      if (this.have === 0 && len - pos >= 48) {
        const n = this.length(chunk, pos);
        if (n < 0) return (this.error = n);
        if (len - pos >= n) {
          const r = this.deliver(chunk, dv, pos);
          if (r) return (this.error = r);
          pos += n;
          continue;
        }
      }
      if (this.have < 48) {
        const take = Math.min(48 - this.have, len - pos);
        this.buf.set(chunk.subarray(pos, pos + take), this.have);
        this.have += take;
        pos += take;
        if (this.have < 48) break;
        const n = this.length(this.buf, 0);
        if (n < 0) return (this.error = n);
        this.need = n;
      }
      const take = Math.min(this.need - this.have, len - pos);
      this.buf.set(chunk.subarray(pos, pos + take), this.have);
      this.have += take;
      pos += take;
      if (this.have === this.need) {
        this.have = 0;
        const r = this.deliver(this.buf, new DataView(this.buf.buffer), 0);
        if (r) return (this.error = r);
      }
    }
    return 0;
  }
}
