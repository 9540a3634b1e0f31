// How read and write cut a long transfer (the disk's blocks() and copy() do the cutting) and
// check its range.
import { UsageError } from './usage-error.ts';

export const CHUNK_BYTES = 1 << 20;
export const DEPTH = 4;
/** From this many bytes on, read and write show a progress line (cli/progress.ts). */
export const LARGE_BYTES = 4 << 20;

/** Throws when `blocks` blocks from `lba` do not fit a LUN of `capacity` blocks. */
export function checkRange(lba: bigint, blocks: number, capacity: bigint, blockSize: number): void {
  if (lba + BigInt(blocks) <= capacity) return;
  throw new UsageError(
    `LBA ${lba} + ${blocks} block(s) runs past the end of the LUN: it has ${capacity} blocks of ${blockSize} bytes (last LBA ${
      capacity - 1n
    })`,
  );
}
