// UNMAP, WRITE SAME (16) and COMPARE AND WRITE on the built-in target's logical unit (SBC-3),
// within the limits its Block Limits page gives. An unmapped block reads as zeros (LBPRZ).
import type { Lun } from './lun.ts';
import type { Unit } from './vpd.ts';
import {
  type Ending,
  illegal,
  INVALID_FIELD_IN_CDB,
  INVALID_FIELD_IN_PARAMETERS,
  INVALID_OPCODE,
  LBA_OUT_OF_RANGE,
  PARAMETER_LIST_LENGTH,
} from './ending.ts';

const lbaOf = (b: Uint8Array, at: number) => Number(new DataView(b.buffer, b.byteOffset).getBigUint64(at));
const be32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at);

// `block` (or zeros) over `blocks` blocks from `lba`, a piece at a time.
function fill(lun: Lun, lba: number, blocks: number, block?: Uint8Array) {
  const per = Math.max(1, Math.min(blocks, 2048)), piece = new Uint8Array(per * lun.blockSize);
  if (block) { for (let i = 0; i < per; i++) piece.set(block, i * lun.blockSize); }
  for (let done = 0; done < blocks; done += per) {
    const n = Math.min(per, blocks - done);
    lun.write((lba + done) * lun.blockSize, piece.subarray(0, n * lun.blockSize));
  }
}

/** UNMAP: every descriptor is checked before any block is zeroed. */
export function unmap(lun: Lun, unit: Unit, cdb: Uint8Array, data: Uint8Array): Ending | undefined {
  if (!unit.thin) return illegal(INVALID_OPCODE); // as tgtd answers on a LUN without thin provisioning
  if (cdb[1] & 0x01) return illegal(INVALID_FIELD_IN_CDB); // ANCHOR
  if (data.length === 0) return undefined;
  if (data.length < 8) return illegal(PARAMETER_LIST_LENGTH);
  const count = Math.min(data.length - 8, (data[2] << 8) | data[3]) >> 4;
  if (count > unit.maximumUnmapBlockDescriptorCount) return illegal(INVALID_FIELD_IN_PARAMETERS);
  const ranges = Array.from(
    { length: count },
    (_, i) => ({ lba: lbaOf(data, 8 + 16 * i), blocks: be32(data, 16 + 16 * i) }),
  );
  if (ranges.reduce((n, r) => n + r.blocks, 0) > unit.maximumUnmapLbaCount) return illegal(INVALID_FIELD_IN_PARAMETERS);
  if (ranges.some((r) => r.lba + r.blocks > lun.blocks)) return illegal(LBA_OUT_OF_RANGE);
  for (const r of ranges) fill(lun, r.lba, r.blocks);
  return undefined;
}

/** WRITE SAME (16): its one block of data (none with NDOB: zeros) over the range; with UNMAP, zeros. */
export function writeSame(lun: Lun, unit: Unit, cdb: Uint8Array, data: Uint8Array): Ending | undefined {
  const unmapBit = (cdb[1] & 0x08) !== 0, ndob = (cdb[1] & 0x01) !== 0;
  const lba = lbaOf(cdb, 2), blocks = be32(cdb, 10);
  if (cdb[1] & 0x10 || (unmapBit && !unit.thin)) return illegal(INVALID_FIELD_IN_CDB);
  // WSNZ is set: 0 blocks ("to the end") is refused; so is more than the maximum write same length.
  if (blocks === 0 || (unit.maximumWriteSameLength && blocks > unit.maximumWriteSameLength)) {
    return illegal(INVALID_FIELD_IN_CDB);
  }
  if (lba + blocks > lun.blocks) return illegal(LBA_OUT_OF_RANGE);
  if (!ndob && data.length !== lun.blockSize) return illegal(PARAMETER_LIST_LENGTH);
  fill(lun, lba, blocks, unmapBit || ndob ? undefined : data);
  return undefined;
}

/** COMPARE AND WRITE: the first half of the data is compared with the blocks; equal, the second
 *  half is written; not, MISCOMPARE with the offset of the first byte that differs. */
export function compareAndWrite(lun: Lun, unit: Unit, cdb: Uint8Array, data: Uint8Array): Ending | undefined {
  const lba = lbaOf(cdb, 2), blocks = cdb[13], length = blocks * lun.blockSize;
  if (!unit.maximumCompareAndWriteLength) return illegal(INVALID_OPCODE);
  if (blocks > unit.maximumCompareAndWriteLength) return illegal(INVALID_FIELD_IN_CDB);
  if (blocks === 0) return undefined;
  if (lba + blocks > lun.blocks) return illegal(LBA_OUT_OF_RANGE);
  if (data.length !== 2 * length) return illegal(INVALID_FIELD_IN_CDB);
  const now = lun.read(lba * lun.blockSize, length);
  const at = now.findIndex((x, i) => x !== data[i]);
  if (at >= 0) return { key: 0x0e, asc: 0x1d, ascq: 0, information: at };
  lun.write(lba * lun.blockSize, data.subarray(length));
  return undefined;
}
