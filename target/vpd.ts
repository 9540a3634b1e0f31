// The built-in target's VPD pages (SPC-4 §7.8, SBC-3 §6.6) and the unit settings behind them,
// which tests change to meet a unit that limits or refuses UNMAP, WRITE SAME or COMPARE AND WRITE.
import { crc32c } from './crc32c.ts';

/** What the logical unit says of itself in its VPD pages, and does accordingly. */
export interface UnitSpec {
  /** The pages page 0x00 lists and INQUIRY answers (default all: 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2). */
  pages?: number[];
  /** Logical block provisioning: UNMAP and WRITE SAME with UNMAP, unmapped blocks reading as zeros
   *  (default true); false: page 0xb2 has LBPU and LBPWS 0, and both are refused. */
  thin?: boolean;
  /** Page 0xb0's limits (defaults: 16384 blocks, 16 descriptors, 8-block granules, 16384 blocks, 128 blocks). */
  maximumUnmapLbaCount?: number;
  maximumUnmapBlockDescriptorCount?: number;
  optimalUnmapGranularity?: number;
  maximumWriteSameLength?: number;
  /** 0: COMPARE AND WRITE is refused. */
  maximumCompareAndWriteLength?: number;
}
export type Unit = Required<UnitSpec>;

export const unitOf = (spec: UnitSpec = {}): Unit => ({
  pages: [0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2],
  thin: true,
  maximumUnmapLbaCount: 16384,
  maximumUnmapBlockDescriptorCount: 16,
  optimalUnmapGranularity: 8,
  maximumWriteSameLength: 16384,
  maximumCompareAndWriteLength: 128,
  ...spec,
});

export const SERIAL = 'IA-0001';

/** Page `page` of the unit behind target `name`, or undefined when it does not have it. */
export function vpdPage(unit: Unit, page: number, name: string): Uint8Array | undefined {
  if (!unit.pages.includes(page)) return undefined;
  const body = page === 0x00
    ? Uint8Array.from(unit.pages)
    : page === 0x80
    ? new TextEncoder().encode(SERIAL)
    : page === 0x83
    ? identification(name)
    : page === 0xb0
    ? blockLimits(unit)
    : page === 0xb1
    ? characteristics()
    : page === 0xb2
    ? provisioning(unit)
    : undefined;
  if (!body) return undefined;
  const d = new Uint8Array(4 + body.length);
  d[1] = page;
  d[2] = body.length >> 8;
  d[3] = body.length & 0xff;
  d.set(body, 4);
  return d;
}

// One designator of each kind a decoder meets: T10 vendor id, NAA, EUI-64 (the logical unit),
// relative target port, SCSI name string (the target, as iSCSI names it: PIV and protocol 5).
function identification(name: string): Uint8Array {
  const id = crc32c(new TextEncoder().encode(name));
  const naa = new Uint8Array(8), eui = new Uint8Array(8);
  const dv = new DataView(naa.buffer);
  dv.setUint32(0, 0x30000000 | (id >>> 4));
  dv.setUint32(4, id);
  new DataView(eui.buffer).setUint32(4, id);
  eui.set([0x00, 0x14, 0x05], 0);
  const utf8 = new TextEncoder().encode(name);
  const scsiName = new Uint8Array((utf8.length + 4) & ~3); // NUL-terminated, a multiple of 4 long
  scsiName.set(utf8);
  const d = (codeSet: number, b1: number, value: Uint8Array) => [codeSet, b1, 0, value.length, ...value];
  return Uint8Array.from([
    ...d(0x02, 0x01, new TextEncoder().encode(`IA      ISCSI-ADAPTER ${SERIAL}`)),
    ...d(0x01, 0x03, naa),
    ...d(0x01, 0x02, eui),
    ...d(0x51, 0x94, Uint8Array.of(0, 0, 0, 1)),
    ...d(0x53, 0xa8, scsiName),
  ]);
}

// Page 0xb0 as SBC-3 r35 lays it out, 60 bytes after the header (as tgtd sends it).
function blockLimits(unit: Unit): Uint8Array {
  const b = new Uint8Array(60), dv = new DataView(b.buffer);
  b[0] = 0x01; // WSNZ: a WRITE SAME of 0 blocks ("to the end") is refused
  b[1] = unit.maximumCompareAndWriteLength;
  dv.setUint32(16, unit.thin ? unit.maximumUnmapLbaCount : 0);
  dv.setUint32(20, unit.thin ? unit.maximumUnmapBlockDescriptorCount : 0);
  dv.setUint32(24, unit.optimalUnmapGranularity);
  dv.setBigUint64(32, BigInt(unit.maximumWriteSameLength));
  return b;
}

// Not rotating (solid state), 2.5".
function characteristics(): Uint8Array {
  const b = new Uint8Array(60);
  b[1] = 1;
  b[3] = 3;
  return b;
}

function provisioning(unit: Unit): Uint8Array {
  // LBPU, LBPWS and LBPRZ; thin provisioned.
  return unit.thin ? Uint8Array.of(0, 0xc4, 0x02, 0) : new Uint8Array(4);
}
