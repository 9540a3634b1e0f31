// How inq shows each VPD page, one entry per page code: its lines as iscsi-inq prints them and
// its JSON (the library's decoded page). A page without an entry is shown as a hex dump.
import { decodeVpd, type VpdPage, type VpdPageCode } from '../hosts/scsi/vpd.ts';
import { deviceTypeName, qualifierName, vpdPageName } from './scsi-names.ts';

export interface PagePrinter {
  lines(page: Uint8Array): string[];
  json(page: Uint8Array): Record<string, unknown>;
}

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
const bit = (b: boolean) => (b ? 1 : 0);
// The decoders are the library's (disk.vpd() uses them too); here only the way iscsi-inq prints.
const page = <P extends VpdPageCode>(p: P, print: (v: Extract<VpdPage, { page: P }>, b: Uint8Array) => string[]) => ({
  lines: (b: Uint8Array) => print(decodeVpd(p, b), b),
  json: (b: Uint8Array) => {
    const { page: _, ...fields } = decodeVpd(p, b);
    return fields as Record<string, unknown>;
  },
});

export const PAGES: Record<number, PagePrinter> = {
  0x00: page(0x00, (v) => v.pages.map((p) => `Page:${hex2(p)} ${vpdPageName(p)}`)),
  // As sent, padding included (the library's value is trimmed): iscsi-inq shows it so.
  0x80: page(0x80, (_, b) => [`Unit Serial Number:[${rawSerial(b)}]`]),
  // iscsi-inq prints binary designators as raw bytes; here they are text (naa.<hex>, eui.<hex>).
  0x83: page(0x83, (v, b) => [
    `Peripheral Qualifier:${qualifierName(b[0] >> 5)}`,
    `Peripheral Device Type:${deviceTypeName(b[0] & 0x1f)}`,
    `Page Code:(${hex2(0x83)}) ${vpdPageName(0x83)}`,
    ...v.designators.flatMap((d, i) => [
      `DEVICE DESIGNATOR #${i}`,
      ...(d.protocolIdentifier === undefined ? [] : [`Device Protocol Identifier:(${d.protocolIdentifier})`]),
      `Code Set:(${d.codeSet}) ${d.codeSetName}`,
      `PIV:${d.protocolIdentifier === undefined ? 0 : 1}`,
      `Association:(${d.association}) ${d.associationName}`,
      `Designator Type:(${d.type}) ${d.typeName}`,
      `Designator:[${d.designator}]`,
    ]),
  ]),
  0xb0: page(0xb0, (v) => [
    `wsnz:${bit(v.wsnz)}`,
    `maximum compare and write length:${v.maximumCompareAndWriteLength}`,
    `optimal transfer length granularity:${v.optimalTransferLengthGranularity}`,
    `maximum transfer length:${v.maximumTransferLength}`,
    `optimal transfer length:${v.optimalTransferLength}`,
    `maximum prefetch xdread xdwrite transfer length:${v.maximumPrefetchLength}`,
    `maximum unmap lba count:${v.maximumUnmapLbaCount}`,
    `maximum unmap block descriptor count:${v.maximumUnmapBlockDescriptorCount}`,
    `optimal unmap granularity:${v.optimalUnmapGranularity}`,
    `ugavalid:${bit(v.ugavalid)}`,
    `unmap granularity alignment:${v.unmapGranularityAlignment}`,
    `maximum write same length:${v.maximumWriteSameLength}`,
  ]),
  0xb1: page(0xb1, (v) => [`Medium Rotation Rate:${v.mediumRotationRate}RPM`]),
  0xb2: page(0xb2, (v) => [
    `Threshold Exponent:${v.thresholdExponent}`,
    `lbpu:${bit(v.lbpu)}`,
    `lbpws:${bit(v.lbpws)}`,
    `lbpws10:${bit(v.lbpws10)}`,
    `lbprz:${bit(v.lbprz)}`,
    `anc_sup:${bit(v.ancSup)}`,
    `dp:${bit(v.dp)}`,
    `provisioning type:${v.provisioningType}`,
  ]),
};

function rawSerial(b: Uint8Array): string {
  const body = b.subarray(4, 4 + ((b[2] << 8) | b[3]));
  return new TextDecoder('latin1').decode(body).replace(/\0.*$/s, '');
}

/** A page with no printer yet: 16 bytes a line, offset, hex and the printable ASCII. */
export const HEX_DUMP: PagePrinter = {
  lines: (b) => {
    const out: string[] = [];
    for (let i = 0; i < b.length; i += 16) {
      const row = [...b.subarray(i, i + 16)];
      const hex = row.map((x) => x.toString(16).padStart(2, '0')).join(' ');
      const ascii = row.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
      out.push(`${i.toString(16).padStart(4, '0')}: ${hex.padEnd(47)}  ${ascii}`);
    }
    return out;
  },
  json: (b) => ({ hex: [...b].map((x) => x.toString(16).padStart(2, '0')).join('') }),
};

export const printerFor = (page: number): PagePrinter => PAGES[page] ?? HEX_DUMP;
