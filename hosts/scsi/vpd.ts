// Vital product data pages (SPC-4 §7.8, SBC-3 §6.6) turned into values: supported pages (0x00),
// unit serial number (0x80), device identification (0x83), block limits (0xb0), block device
// characteristics (0xb1), logical block provisioning (0xb2). Field names follow what libiscsi's
// iscsi-inq prints for each page, in camelCase. A page shorter than the standard's reads its
// missing fields as 0 (for the limits: "not reported"), a designator that runs past the page is
// left out; nothing here throws on a target's bytes.
import { serialNumber } from './data.ts';

/** One identifier of the unit, its port or its target (a designation descriptor of page 0x83). */
export interface Designator {
  /** 1 binary, 2 ASCII, 3 UTF-8. */
  codeSet: number;
  codeSetName: string;
  /** 0 the logical unit, 1 the target port it was reached through, 2 the target device. */
  association: number;
  associationName: string;
  /** 0 vendor specific, 1 T10 vendor id, 2 EUI-64, 3 NAA, 4 relative target port, 5 target port
   *  group, 6 logical unit group, 7 MD5 logical unit identifier, 8 SCSI name string. */
  type: number;
  typeName: string;
  /** The protocol the designator belongs to (5 is iSCSI), when the target says (PIV). */
  protocolIdentifier?: number;
  /** As text: NAA and EUI-64 in the SCSI name string form (naa./eui. and upper case hex, SPC-4
   *  §7.8.6.11), port and group numbers in decimal, ASCII and UTF-8 as they read, else hex. */
  designator: string;
}
export interface BlockLimits {
  /** WRITE SAME with a NUMBER OF LOGICAL BLOCKS of 0 is refused (it would mean "to the end"). */
  wsnz: boolean;
  /** Blocks one COMPARE AND WRITE may carry; 0: the unit does not do COMPARE AND WRITE. */
  maximumCompareAndWriteLength: number;
  optimalTransferLengthGranularity: number;
  maximumTransferLength: number;
  optimalTransferLength: number;
  maximumPrefetchLength: number;
  /** Blocks one UNMAP may name in all (0xffffffff: no limit; 0: no UNMAP). */
  maximumUnmapLbaCount: number;
  /** Block descriptors one UNMAP may carry (0xffffffff: no limit; 0: no UNMAP). */
  maximumUnmapBlockDescriptorCount: number;
  optimalUnmapGranularity: number;
  ugavalid: boolean;
  unmapGranularityAlignment: number;
  /** Blocks one WRITE SAME may cover (0: not reported). */
  maximumWriteSameLength: bigint;
}
export interface BlockDeviceCharacteristics {
  /** 0 not reported, 1 not rotating (solid state), else revolutions per minute. */
  mediumRotationRate: number;
  productType: number;
  wabereq: number;
  wacereq: number;
  /** 0 not reported, 1 5.25", 2 3.5", 3 2.5", 4 1.8", 5 less than 1.8". */
  nominalFormFactor: number;
  zoned: number;
  fuab: boolean;
  vbuls: boolean;
}
export interface LogicalBlockProvisioning {
  thresholdExponent: number;
  /** UNMAP is supported. */
  lbpu: boolean;
  /** WRITE SAME (16) with its UNMAP bit is supported. */
  lbpws: boolean;
  /** WRITE SAME (10) with its UNMAP bit is supported. */
  lbpws10: boolean;
  /** Unmapped blocks read as zeros. */
  lbprz: boolean;
  ancSup: boolean;
  dp: boolean;
  /** 0 fully provisioned (or not reported), 1 resource provisioned, 2 thin provisioned. */
  provisioningType: number;
}
/** A decoded page, told apart by `page`. */
export type VpdPage =
  | { page: 0x00; pages: number[] }
  | { page: 0x80; serial: string }
  | { page: 0x83; designators: Designator[] }
  | ({ page: 0xb0 } & BlockLimits)
  | ({ page: 0xb1 } & BlockDeviceCharacteristics)
  | ({ page: 0xb2 } & LogicalBlockProvisioning);
export type VpdPageCode = VpdPage['page'];
export const VPD_PAGES: readonly VpdPageCode[] = [0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2];

const CODE_SETS = ['RESERVED', 'BINARY', 'ASCII', 'UTF8'];
const ASSOCIATIONS = ['LOGICAL_UNIT', 'TARGET_PORT', 'TARGET_DEVICE', 'RESERVED'];
const TYPES = [
  'VENDOR_SPECIFIC',
  'T10_VENDOR_ID',
  'EUI_64',
  'NAA',
  'RELATIVE_TARGET_PORT',
  'TARGET_PORT_GROUP',
  'LOGICAL_UNIT_GROUP',
  'MD5_LOGICAL_UNIT_IDENTIFIER',
  'SCSI_NAME_STRING',
  'PROTOCOL_SPECIFIC_PORT_IDENTIFIER',
];

// Big-endian fields of the page; bytes past its end read as 0.
const byte = (b: Uint8Array, at: number) => (at < b.length ? b[at] : 0);
const be = (b: Uint8Array, at: number, n: number) => {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + byte(b, at + i);
  return v;
};
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
// The bytes the page says it has (PAGE LENGTH, bytes 2-3), and never more than came.
const body = (b: Uint8Array) => b.subarray(0, Math.min(b.length, 4 + be(b, 2, 2)));

export function supportedPages(b: Uint8Array): number[] {
  return Array.from(body(b).subarray(4));
}

export function designators(page: Uint8Array): Designator[] {
  const b = body(page);
  const out: Designator[] = [];
  for (let d = 4; d + 4 <= b.length;) {
    const len = b[d + 3], value = b.subarray(d + 4, d + 4 + len);
    // One that runs past the page is not read (as a sense descriptor is not).
    if (d + 4 + len > b.length) break;
    const codeSet = b[d] & 0x0f, piv = (b[d + 1] & 0x80) !== 0;
    const association = (b[d + 1] >> 4) & 3, type = b[d + 1] & 0x0f;
    out.push({
      codeSet,
      codeSetName: CODE_SETS[codeSet] ?? 'RESERVED',
      association,
      associationName: ASSOCIATIONS[association],
      type,
      typeName: TYPES[type] ?? 'RESERVED',
      ...(piv && association !== 0 ? { protocolIdentifier: b[d] >> 4 } : {}),
      designator: designatorText(type, codeSet, value),
    });
    d += 4 + len;
  }
  return out;
}

function designatorText(type: number, codeSet: number, v: Uint8Array): string {
  if (type === 3 && codeSet === 1) return `naa.${hex(v)}`;
  if (type === 2 && codeSet === 1) return `eui.${hex(v)}`;
  if (type >= 4 && type <= 6 && v.length >= 4) return String(be(v, 2, 2));
  if (codeSet === 2 || codeSet === 3) {
    // Text ends at its first NUL (a SCSI name string is padded with them); trailing blanks are padding too.
    const end = v.indexOf(0);
    return new TextDecoder(codeSet === 3 ? 'utf-8' : 'latin1').decode(end < 0 ? v : v.subarray(0, end)).trimEnd();
  }
  return hex(v);
}

export function blockLimits(page: Uint8Array): BlockLimits {
  const b = body(page);
  return {
    wsnz: (byte(b, 4) & 1) !== 0,
    maximumCompareAndWriteLength: byte(b, 5),
    optimalTransferLengthGranularity: be(b, 6, 2),
    maximumTransferLength: be(b, 8, 4),
    optimalTransferLength: be(b, 12, 4),
    maximumPrefetchLength: be(b, 16, 4),
    maximumUnmapLbaCount: be(b, 20, 4),
    maximumUnmapBlockDescriptorCount: be(b, 24, 4),
    optimalUnmapGranularity: be(b, 28, 4),
    ugavalid: (byte(b, 32) & 0x80) !== 0,
    unmapGranularityAlignment: be(b, 32, 4) % 0x80000000,
    maximumWriteSameLength: (BigInt(be(b, 36, 4)) << 32n) | BigInt(be(b, 40, 4)),
  };
}

export function blockDeviceCharacteristics(page: Uint8Array): BlockDeviceCharacteristics {
  const b = body(page);
  return {
    mediumRotationRate: be(b, 4, 2),
    productType: byte(b, 6),
    wabereq: byte(b, 7) >> 6,
    wacereq: (byte(b, 7) >> 4) & 3,
    nominalFormFactor: byte(b, 7) & 0x0f,
    zoned: (byte(b, 8) >> 4) & 3,
    fuab: (byte(b, 8) & 2) !== 0,
    vbuls: (byte(b, 8) & 1) !== 0,
  };
}

export function logicalBlockProvisioning(page: Uint8Array): LogicalBlockProvisioning {
  const b = body(page), bits = byte(b, 5);
  return {
    thresholdExponent: byte(b, 4),
    lbpu: (bits & 0x80) !== 0,
    lbpws: (bits & 0x40) !== 0,
    lbpws10: (bits & 0x20) !== 0,
    lbprz: (bits & 0x04) !== 0,
    ancSup: (bits & 0x02) !== 0,
    dp: (bits & 0x01) !== 0,
    provisioningType: byte(b, 6) & 7,
  };
}

/** Page `page` decoded from its bytes (as INQUIRY with EVPD returned them, header included). */
export function decodeVpd<P extends VpdPageCode>(page: P, b: Uint8Array): Extract<VpdPage, { page: P }> {
  const decoded: VpdPage = page === 0x00
    ? { page, pages: supportedPages(b) }
    : page === 0x80
    ? { page, serial: serialNumber(body(b)) }
    : page === 0x83
    ? { page, designators: designators(b) }
    : page === 0xb0
    ? { page, ...blockLimits(b) }
    : page === 0xb1
    ? { page, ...blockDeviceCharacteristics(b) }
    : { page: 0xb2, ...logicalBlockProvisioning(b) };
  return decoded as Extract<VpdPage, { page: P }>;
}
