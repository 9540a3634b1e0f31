// What SCSI commands return (SPC-4, SBC-3), turned into values: INQUIRY, the unit serial
// number page, READ CAPACITY (10) and (16), REPORT LUNS.
const latin1 = new TextDecoder('latin1');
const text = (b: Uint8Array) => latin1.decode(b).replace(/\0/g, '').trim();

export function inquiryData(
  b: Uint8Array,
): { peripheralType: number; vendor: string; product: string; revision: string } {
  return {
    peripheralType: b[0] & 0x1f,
    vendor: text(b.subarray(8, 16)),
    product: text(b.subarray(16, 32)),
    revision: text(b.subarray(32, 36)),
  };
}
export function serialNumber(b: Uint8Array): string {
  const len = (b[2] << 8) | b[3];
  return text(b.subarray(4, 4 + len));
}
export function capacity16(b: Uint8Array): { blocks: bigint; blockSize: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { blocks: dv.getBigUint64(0) + 1n, blockSize: dv.getUint32(8) };
}
export function capacity10(b: Uint8Array): { blocks: bigint; blockSize: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { blocks: BigInt(dv.getUint32(0)) + 1n, blockSize: dv.getUint32(4) };
}
/** LUNs from REPORT LUNS data: peripheral (00b) and flat (01b) single-level addresses. */
export function lunList(b: Uint8Array): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = Math.min(dv.getUint32(0), b.length - 8) >>> 3;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = b.subarray(8 + i * 8, 16 + i * 8);
    out.push(((e[0] >> 6) === 1 ? (e[0] & 0x3f) << 8 : 0) | e[1]);
  }
  return out;
}
