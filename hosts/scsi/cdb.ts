// SCSI commands as the core takes them (SPC-4, SBC-3): the CDB, which way its data goes and how
// much. They are built here beside the decoders of what they return (data.ts), as libiscsi keeps
// both in scsi-lowlevel.c; every iSCSI byte around them is the core's.
import { CODE } from '../codes.ts';

export interface Command {
  cdb: Uint8Array;
  /** CODE.DIR_NONE, DIR_READ or DIR_WRITE. */
  dir: number;
  /** Expected Data Transfer Length: bytes the command reads or writes. */
  edtl: number;
}

// Big-endian, at most 4 bytes of a number (LBAs, 8 bytes, go as two words): this is on the path of
// every read and write, so no BigInt arithmetic per byte.
export function put(b: Uint8Array, at: number, v: number, bytes: number): void {
  for (let k = bytes - 1; k >= 0; k--, v = Math.floor(v / 256)) b[at + k] = v & 0xff;
}
export const none = (cdb: Uint8Array): Command => ({ cdb, dir: CODE.DIR_NONE, edtl: 0 });
export const reading = (cdb: Uint8Array, edtl: number): Command => ({ cdb, dir: CODE.DIR_READ, edtl });

export const testUnitReady = (): Command => none(new Uint8Array(6));

/** Standard INQUIRY data, or the VPD page `page`, `alloc` bytes at most (1..65535). */
export function inquiry(alloc: number, page?: number): Command {
  const c = new Uint8Array(6);
  c[0] = 0x12;
  if (page !== undefined) [c[1], c[2]] = [1, page];
  put(c, 3, alloc, 2);
  return reading(c, alloc);
}

export const readCapacity10 = (): Command => reading(Uint8Array.of(0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0), 8);

export function readCapacity16(): Command {
  const c = new Uint8Array(16);
  [c[0], c[1]] = [0x9e, 0x10]; // SERVICE ACTION IN (16), READ CAPACITY (16)
  put(c, 10, 32, 4);
  return reading(c, 32);
}

/** REPORT LUNS, `alloc` bytes at most (16 or more). */
export function reportLuns(alloc: number): Command {
  const c = new Uint8Array(12);
  c[0] = 0xa0;
  put(c, 6, alloc, 4);
  return reading(c, alloc);
}

/** READ or WRITE of `blocks` blocks at `lba`: the 10-byte form while it fits, else the 16-byte one. */
function transfer(write: boolean, lba: bigint, blocks: number, blockSize: number, fua: boolean): Command {
  const edtl = blocks * blockSize;
  if (blocks < 1 || blockSize < 1 || edtl > 0xffffffff) {
    throw new RangeError(`${blocks} blocks of ${blockSize} bytes do not fit one command (4 GiB at most)`);
  }
  const short = lba < 1n << 32n && blocks <= 0xffff;
  const c = new Uint8Array(short ? 10 : 16);
  c[0] = short ? (write ? 0x2a : 0x28) : (write ? 0x8a : 0x88);
  c[1] = fua ? 0x08 : 0;
  if (short) {
    put(c, 2, Number(lba), 4);
    put(c, 7, blocks, 2);
  } else {
    put(c, 2, Number(lba >> 32n), 4);
    put(c, 6, Number(lba & 0xffffffffn), 4);
    put(c, 10, blocks, 4);
  }
  return { cdb: c, dir: write ? CODE.DIR_WRITE : CODE.DIR_READ, edtl };
}
export const read = (lba: bigint, blocks: number, blockSize: number): Command =>
  transfer(false, lba, blocks, blockSize, false);
export const write = (lba: bigint, blocks: number, blockSize: number, fua = false): Command =>
  transfer(true, lba, blocks, blockSize, fua);

/** SYNCHRONIZE CACHE (10) over the whole unit. */
export const synchronizeCache = (): Command => none(Uint8Array.of(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0));

/** A caller's own CDB, with the direction and length of its data. */
export function raw(cdb: Uint8Array, dataIn?: number, dataOut?: number): Command {
  if (dataOut) return { cdb, dir: CODE.DIR_WRITE, edtl: dataOut };
  if (dataIn) return { cdb, dir: CODE.DIR_READ, edtl: dataIn };
  return none(cdb);
}
