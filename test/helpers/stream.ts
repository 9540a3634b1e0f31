// Deterministic PDU streams, target -> initiator, for the framing benchmark and tests.
import { crc32c } from '../../target/crc32c.ts';

export interface StreamOptions {
  pdus: number;
  seed?: number;
  headerDigest?: boolean;
  dataDigest?: boolean;
  kind?: 'mixed' | 'bhs48';
}

function rand(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/** mixed: 70% Data-In (8 KiB), 10% SCSI Response, 10% NOP-In, 5% R2T, 2.5% Logout Response, 2.5% Async.
 *  bhs48: 48-byte PDUs only (NOP-In, SCSI Response, R2T). */
export function makeStream(o: StreamOptions): Uint8Array {
  const r = rand(o.seed ?? 1);
  const parts: Uint8Array[] = [];
  let statSN = 1;
  for (let i = 0; i < o.pdus; i++) {
    const x = r();
    let op: number, b1 = 0x80, dsl = 0, itt = (i + 1) >>> 0;
    if (o.kind === 'bhs48') op = x < 0.4 ? 0x20 : x < 0.8 ? 0x21 : 0x31;
    else op = x < 0.7 ? 0x25 : x < 0.8 ? 0x21 : x < 0.9 ? 0x20 : x < 0.95 ? 0x31 : x < 0.975 ? 0x26 : 0x32;
    if (op === 0x25) {
      dsl = 8192;
      b1 = 0x80;
    }
    if (op === 0x32) itt = 0xffffffff;
    const h = new Uint8Array(48);
    const dv = new DataView(h.buffer);
    h[0] = op;
    h[1] = b1;
    dv.setUint32(4, dsl); // byte 4 = TotalAHSLength 0
    dv.setUint32(16, itt);
    if (op === 0x20 || op === 0x25 || op === 0x31) dv.setUint32(20, 0xffffffff);
    dv.setUint32(24, statSN++);
    dv.setUint32(28, 10);
    dv.setUint32(32, 40);
    parts.push(h);
    if (o.headerDigest) {
      const d = new Uint8Array(4);
      new DataView(d.buffer).setUint32(0, crc32c(h), true);
      parts.push(d);
    }
    if (dsl) {
      const data = new Uint8Array(dsl);
      for (let k = 0; k < dsl; k += 64) data[k] = (i + k) & 0xff;
      parts.push(data);
      if (o.dataDigest) {
        const d = new Uint8Array(4);
        new DataView(d.buffer).setUint32(0, crc32c(data), true);
        parts.push(d);
      }
    }
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
