// A LUN from block `start` on, as one end of a copy.
import type { Session } from '../session.ts';
import type { Extent } from './extent.ts';

export interface LunEnd {
  disk: Session;
  lun: number;
  /** The first block the copy reads or writes; default 0. */
  start?: number | bigint;
}

export async function lunExtent(end: LunEnd, timeoutMs: number | undefined, signal: AbortSignal): Promise<Extent> {
  const { disk, lun } = end;
  const { blocks, blockSize: unit } = await disk.readCapacity(lun, { signal, timeoutMs });
  const start = BigInt(end.start ?? 0);
  if (start > blocks) throw new RangeError(`start is block ${start}; LUN ${lun} has ${blocks} blocks`);
  const lba = (offset: number) => start + BigInt(offset / unit);
  return {
    name: `LUN ${lun}`,
    bytes: Number(blocks - start) * unit,
    unit,
    async read(offset, into, signal) {
      const got = await disk.read(lun, lba(offset), into.length / unit, { into, signal, timeoutMs });
      if (got.length !== into.length) {
        throw new RangeError(`LUN ${lun} returned ${got.length} of ${into.length} bytes at block ${lba(offset)}`);
      }
    },
    write: (offset, data, signal) => disk.write(lun, lba(offset), data, { signal, timeoutMs }),
    flush: (signal) => disk.synchronizeCache(lun, { signal, timeoutMs }),
    close: async () => {},
  };
}
