// A LUN range as a web ReadableStream of chunks (each a whole number of blocks, in block order).
// The stream's own queue is empty (highWaterMark 0): read-ahead is the `depth` commands in flight,
// so memory stays at depth x blockSize however slow the reader. Node's Readable.fromWeb takes it.
import type { BulkDisk } from './disk.ts';
import { readBlocks } from './blocks.ts';
import type { RangeOptions } from './plan.ts';

export function readStream(disk: BulkDisk, lun: number, o: RangeOptions): ReadableStream<Uint8Array> {
  const chunks = readBlocks(disk, lun, o);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await chunks.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value.data);
    },
    async cancel() {
      await chunks.return();
    },
  }, { highWaterMark: 0 });
}
