// A long read or write cut into commands of at most CHUNK_BYTES, DEPTH of them in flight, their
// results taken in order (a read's bytes go out in the order of the disk).
import { UsageError } from './usage-error.ts';

export const CHUNK_BYTES = 1 << 20;
export const DEPTH = 4;
/** From this many bytes on, read and write show a progress line (cli/progress.ts). */
export const LARGE_BYTES = 4 << 20;

export interface Chunk {
  lba: bigint;
  blocks: number;
  /** Bytes from the start of the transfer. */
  offset: number;
}

/** The i-th command of a transfer of `blocks` blocks from `lba`. */
export function chunkAt(i: number, lba: bigint, blocks: number, blockSize: number): Chunk {
  const per = Math.max(1, Math.floor(CHUNK_BYTES / blockSize));
  const first = i * per;
  return { lba: lba + BigInt(first), blocks: Math.min(per, blocks - first), offset: first * blockSize };
}
export const chunkCount = (blocks: number, blockSize: number) =>
  Math.ceil(blocks / Math.max(1, Math.floor(CHUNK_BYTES / blockSize)));

/** Runs start(0..n-1), DEPTH at a time, handing each result to finish() in order. Stops starting
 *  commands when `stop` is aborted (Ctrl-C) and throws once those in flight are taken. */
export async function inOrder<T>(
  n: number,
  start: (i: number) => Promise<T>,
  finish: (i: number, v: T) => Promise<void>,
  stop: AbortSignal,
): Promise<void> {
  const running: Promise<T>[] = [];
  let next = 0;
  try {
    for (let i = 0; i < n; i++) {
      while (next < n && running.length < DEPTH && !stop.aborted) {
        const p = start(next++);
        p.catch(() => {}); // handled when its turn comes; one failing early must not go unhandled
        running.push(p);
      }
      if (!running.length) throw new Error('interrupted');
      await finish(i, await running.shift()!);
    }
  } finally {
    for (const p of running) await p.catch(() => {});
  }
}

/** Throws when `blocks` blocks from `lba` do not fit a LUN of `capacity` blocks. */
export function checkRange(lba: bigint, blocks: number, capacity: bigint, blockSize: number): void {
  if (lba + BigInt(blocks) <= capacity) return;
  throw new UsageError(
    `LBA ${lba} + ${blocks} block(s) runs past the end of the LUN: it has ${capacity} blocks of ${blockSize} bytes (last LBA ${
      capacity - 1n
    })`,
  );
}
