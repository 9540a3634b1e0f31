// Standard INQUIRY data (SPC-4 §6.6.2) as iscsi-inq prints it: every field it shows, by its name.
import { deviceTypeName, qualifierName, versionDescriptorName, versionName } from './scsi-names.ts';

export interface StandardInquiry {
  qualifier: number;
  deviceType: number;
  removable: boolean;
  version: number;
  normAca: boolean;
  hiSup: boolean;
  responseDataFormat: number;
  sccs: boolean;
  acc: boolean;
  tpgs: number;
  threePc: boolean;
  protect: boolean;
  encServ: boolean;
  multiP: boolean;
  sync: boolean;
  cmdQue: boolean;
  /** As the target sent them, trailing blanks included (iscsi-inq prints them so). */
  vendor: string;
  product: string;
  revision: string;
  /** The non-zero version descriptors, in order. */
  versionDescriptors: number[];
}

const latin1 = new TextDecoder('latin1');
// A byte past the data counts as 0, as libiscsi reads a short answer.
const at = (b: Uint8Array, i: number) => b[i] ?? 0;
const bit = (b: Uint8Array, i: number, mask: number) => (at(b, i) & mask) !== 0;
const text = (b: Uint8Array, from: number, n: number) =>
  latin1.decode(b.subarray(from, from + n)).replace(/\0.*$/s, '');

export function standardInquiry(b: Uint8Array): StandardInquiry {
  const descriptors: number[] = [];
  for (let i = 58; i + 1 < Math.min(b.length, 74); i += 2) {
    const d = (b[i] << 8) | b[i + 1];
    if (d) descriptors.push(d);
  }
  return {
    qualifier: at(b, 0) >> 5,
    deviceType: at(b, 0) & 0x1f,
    removable: bit(b, 1, 0x80),
    version: at(b, 2),
    normAca: bit(b, 3, 0x20),
    hiSup: bit(b, 3, 0x10),
    responseDataFormat: at(b, 3) & 0x0f,
    sccs: bit(b, 5, 0x80),
    acc: bit(b, 5, 0x40),
    tpgs: (at(b, 5) >> 4) & 3,
    threePc: bit(b, 5, 0x08),
    protect: bit(b, 5, 0x01),
    encServ: bit(b, 6, 0x40),
    multiP: bit(b, 6, 0x10),
    sync: bit(b, 7, 0x10),
    cmdQue: bit(b, 7, 0x02),
    vendor: text(b, 8, 8),
    product: text(b, 16, 16),
    revision: text(b, 32, 4),
    versionDescriptors: descriptors,
  };
}

/** iscsi-inq's lines for the standard page. */
export function standardLines(q: StandardInquiry): string[] {
  const n = (x: boolean) => (x ? 1 : 0);
  return [
    `Peripheral Qualifier:${qualifierName(q.qualifier)}`,
    `Peripheral Device Type:${deviceTypeName(q.deviceType)}`,
    `Removable:${n(q.removable)}`,
    `Version:${q.version} ${versionName(q.version)}`,
    `NormACA:${n(q.normAca)}`,
    `HiSup:${n(q.hiSup)}`,
    `ReponseDataFormat:${q.responseDataFormat}`, // sic: iscsi-inq's spelling
    `SCCS:${n(q.sccs)}`,
    `ACC:${n(q.acc)}`,
    `TPGS:${q.tpgs}`,
    `3PC:${n(q.threePc)}`,
    `Protect:${n(q.protect)}`,
    `EncServ:${n(q.encServ)}`,
    `MultiP:${n(q.multiP)}`,
    `SYNC:${n(q.sync)}`,
    `CmdQue:${n(q.cmdQue)}`,
    `Vendor:${q.vendor}`,
    `Product:${q.product}`,
    `Revision:${q.revision}`,
    ...q.versionDescriptors.map((d) =>
      `Version Descriptor:${d.toString(16).padStart(4, '0')} ${versionDescriptorName(d)}`
    ),
  ];
}
