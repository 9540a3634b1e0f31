// `write URL --lba N FILE`: FILE's bytes (a whole number of blocks) to the LUN from LBA N, then
// SYNCHRONIZE CACHE, so that a success means the data is on the medium.
import { stat } from 'node:fs/promises';
import { EXIT } from './args.ts';
import { type DiskRun, withDisk } from './disk.ts';
import type { Outcome } from './outcome.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { checkRange, CHUNK_BYTES, DEPTH, LARGE_BYTES } from './transfer.ts';
import { copy } from '../hosts/node/mod.ts';
import { UsageError } from './usage-error.ts';

export async function write(r: DiskRun, stderr: ProgressStream): Promise<Outcome> {
  const o = r.o;
  const file = o.file!, lba = o.lba!;
  const size = await stat(file).then((s) => {
    if (!s.isFile()) throw new UsageError(`${file} is not a file`);
    return s.size;
  }, (e: Error) => {
    throw new UsageError(`cannot read ${file}: ${e.message}`);
  });
  if (size === 0) throw new UsageError(`${file} is empty: there is nothing to write`);
  return withDisk(r, async (disk, lun) => {
    const cap = await disk.readCapacity(lun);
    if (size % cap.blockSize) {
      throw new UsageError(
        `${file} is ${size} bytes, not a whole number of ${cap.blockSize}-byte blocks (${
          size % cap.blockSize
        } bytes over)`,
      );
    }
    const blocks = size / cap.blockSize;
    checkRange(lba, blocks, cap.blocks, cap.blockSize);
    const progress = new Progress({
      total: size,
      stream: stderr,
      enabled: !o.json && size >= LARGE_BYTES,
      label: 'write',
    });
    // copy() flushes the LUN (SYNCHRONIZE CACHE) before it resolves.
    await copy(file, { disk, lun, start: lba }, {
      blockSize: CHUNK_BYTES - CHUNK_BYTES % cap.blockSize,
      depth: DEPTH,
      bytes: size,
      signal: r.interrupted,
      onProgress: (p) => progress.update(p.bytes),
    }).finally(() => progress.end());
    r.say(`wrote ${blocks} block(s) of ${cap.blockSize} bytes from ${file} at LBA ${lba}`);
    return {
      code: EXIT.ok,
      json: { url: o.url, target: o.target, lun, lba, blocks, blockSize: cap.blockSize, bytes: size, file },
    };
  });
}
