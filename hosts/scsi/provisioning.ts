// UNMAP and WRITE SAME (16) (SBC-3 §5.28, §5.45) and how a range of blocks is cut into commands
// the unit's Block Limits page allows. A command names at most what its fields hold (UNMAP: 4095
// descriptors in a 16-bit parameter list, 2^32-1 blocks in each; WRITE SAME (16): 2^32-1 blocks,
// never 0, which would mean "to the end of the unit").
import { CODE } from '../codes.ts';
import { type Command, put } from './cdb.ts';

export interface BlockRange {
  lba: bigint;
  blocks: bigint;
}
/** What the Block Limits page (0xb0) allows UNMAP; 0xffffffff is "no limit" (SBC-3). */
export interface UnmapLimits {
  maximumUnmapLbaCount: number;
  maximumUnmapBlockDescriptorCount: number;
  optimalUnmapGranularity: number;
}

const FIELD_MAX = 0xffffffff;
const DESCRIPTORS_MAX = (0xffff - 8) >> 4;

/** UNMAP with its parameter list (8 bytes of header, 16 per block descriptor). */
export function unmap(ranges: BlockRange[]): { cmd: Command; data: Uint8Array } {
  const data = new Uint8Array(8 + 16 * ranges.length);
  put(data, 0, data.length - 2, 2);
  put(data, 2, data.length - 8, 2);
  ranges.forEach((r, i) => {
    const d = 8 + 16 * i;
    put(data, d, Number(r.lba >> 32n), 4);
    put(data, d + 4, Number(r.lba & 0xffffffffn), 4);
    put(data, d + 8, Number(r.blocks), 4);
  });
  const c = new Uint8Array(10);
  c[0] = 0x42;
  put(c, 7, data.length, 2);
  return { cmd: { cdb: c, dir: CODE.DIR_WRITE, edtl: data.length }, data };
}

/** WRITE SAME (16): `blockSize` bytes of data written to each of `blocks` blocks, or with `unmap`
 *  those blocks unmapped instead where the unit can. */
export function writeSame16(lba: bigint, blocks: number, blockSize: number, unmap: boolean): Command {
  const c = new Uint8Array(16);
  c[0] = 0x93;
  c[1] = unmap ? 0x08 : 0;
  put(c, 2, Number(lba >> 32n), 4);
  put(c, 6, Number(lba & 0xffffffffn), 4);
  put(c, 10, blocks, 4);
  return { cdb: c, dir: CODE.DIR_WRITE, edtl: blockSize };
}

/** COMPARE AND WRITE: `blocks` blocks to compare, then as many to write, in one Data-Out buffer. */
export function compareAndWrite(lba: bigint, blocks: number, blockSize: number, fua: boolean): Command {
  const c = new Uint8Array(16);
  c[0] = 0x89;
  c[1] = fua ? 0x08 : 0;
  put(c, 2, Number(lba >> 32n), 4);
  put(c, 6, Number(lba & 0xffffffffn), 4);
  c[13] = blocks;
  return { cdb: c, dir: CODE.DIR_WRITE, edtl: 2 * blocks * blockSize };
}

/** The ranges as UNMAP commands within `limits`: each command's block descriptors, in order.
 *  When a command's block count is what cuts a range, it is rounded down to a multiple of the
 *  optimal unmap granularity, so the commands after it start on one as the range did. */
export function unmapPlan(ranges: BlockRange[], limits: UnmapLimits): BlockRange[][] {
  const perCommand = BigInt(granular(limits.maximumUnmapLbaCount, limits.optimalUnmapGranularity));
  const descriptors = Math.min(DESCRIPTORS_MAX, limits.maximumUnmapBlockDescriptorCount);
  const commands: BlockRange[][] = [];
  let now: BlockRange[] = [], room = perCommand;
  for (const r of ranges) {
    for (let lba = r.lba, left = r.blocks; left > 0n;) {
      if (now.length === descriptors || room === 0n) {
        commands.push(now);
        [now, room] = [[], perCommand];
      }
      const n = [left, room, BigInt(FIELD_MAX)].reduce((a, b) => (a < b ? a : b));
      now.push({ lba, blocks: n });
      [lba, left, room] = [lba + n, left - n, room - n];
    }
  }
  if (now.length) commands.push(now);
  return commands;
}

/** One range as WRITE SAME commands of at most `maximum` blocks (0: the unit gave no limit). */
export function writeSamePlan(range: BlockRange, maximum: bigint): BlockRange[] {
  const most = maximum > 0n && maximum < BigInt(FIELD_MAX) ? maximum : BigInt(FIELD_MAX);
  const out: BlockRange[] = [];
  for (let lba = range.lba, left = range.blocks; left > 0n;) {
    const n = left < most ? left : most;
    out.push({ lba, blocks: n });
    [lba, left] = [lba + n, left - n];
  }
  return out;
}

// The most blocks per command: the limit (none for 0xffffffff), in whole granules when it holds one.
function granular(limit: number, granularity: number): number {
  if (limit >= FIELD_MAX) return Number.MAX_SAFE_INTEGER;
  return granularity > 1 && limit >= granularity ? limit - (limit % granularity) : limit;
}
