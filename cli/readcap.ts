// `readcap URL`: READ CAPACITY (16), every field iscsi-readcapacity16 prints, in its words.
import { ScsiError } from '../hosts/node/mod.ts';
import { readCapacity16 } from '../hosts/scsi/cdb.ts';
import { EXIT } from './args.ts';
import { type DiskRun, withDisk } from './disk.ts';
import type { Outcome } from './outcome.ts';

/** READ CAPACITY (16) parameter data (SBC-3 §5.16.2). */
export interface Capacity16 {
  returnedLba: bigint;
  blockLength: number;
  pType: number;
  protEn: number;
  pIExponent: number;
  lbppbe: number;
  lbpme: number;
  lbprz: number;
  lowestAlignedLba: number;
}

export function capacity16(b: Uint8Array): Capacity16 {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    returnedLba: dv.getBigUint64(0),
    blockLength: dv.getUint32(8),
    pType: (b[12] >> 1) & 7,
    protEn: b[12] & 1,
    pIExponent: b[13] >> 4,
    lbppbe: b[13] & 0x0f,
    lbpme: b[14] >> 7,
    lbprz: (b[14] >> 6) & 1,
    lowestAlignedLba: dv.getUint16(14) & 0x3fff,
  };
}

export function readcap(r: DiskRun): Promise<Outcome> {
  return withDisk(r, async (disk, lun) => {
    const res = await disk.scsi(lun, readCapacity16().cdb, { dataIn: 32 });
    if (res.status !== 0) throw new ScsiError(res.status, res.sense ?? new Uint8Array(0), 'READ CAPACITY (16)');
    if (!res.data || res.data.length < 16) {
      throw new Error(`READ CAPACITY (16) brought ${res.data?.length ?? 0} bytes; 16 at least are needed`);
    }
    const c = capacity16(res.data);
    const bytes = BigInt(c.blockLength) * (c.returnedLba + 1n);
    r.say(`RETURNED LOGICAL BLOCK ADDRESS:${c.returnedLba}`);
    r.say(`LOGICAL BLOCK LENGTH IN BYTES:${c.blockLength}`);
    r.say(`P_TYPE:${c.pType} PROT_EN:${c.protEn}`);
    r.say(`P_I_EXPONENT:${c.pIExponent} LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT:${c.lbppbe}`);
    r.say(`LBPME:${c.lbpme} LBPRZ:${c.lbprz}`);
    r.say(`LOWEST ALIGNED LOGICAL BLOCK ADDRESS:${c.lowestAlignedLba}`);
    r.say(`Total size:${bytes}`);
    return {
      code: EXIT.ok,
      json: { url: r.o.url, target: r.o.target, lun, ...c, blocks: c.returnedLba + 1n, totalBytes: bytes },
    };
  });
}
