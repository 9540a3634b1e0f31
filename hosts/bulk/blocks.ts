// A LUN's blocks in order, read `depth` commands ahead: the one loop under read streams and any
// caller that wants chunks with their LBA. Leaving the loop early (break, an error, the signal)
// aborts what is still in flight and waits for it, so nothing outlives the iteration.
import type { BulkDisk } from './disk.ts';
import { linkedSignal, under } from './linked-signal.ts';
import { plan, type RangeOptions, spans } from './plan.ts';
import { Window } from './window.ts';

export interface Chunk {
  /** The first block of `data`. */
  lba: bigint;
  /** A whole number of blocks, the caller's to keep. */
  data: Uint8Array;
}

export async function* readBlocks(disk: BulkDisk, lun: number, o: RangeOptions): AsyncGenerator<Chunk, void> {
  const link = linkedSignal(o.signal);
  let window: Window<Chunk> | undefined;
  try {
    const p = await under(link, (signal) => plan(disk, lun, { ...o, signal }));
    window = new Window<Chunk>(p.depth);
    const todo = spans(p);
    const fill = () => {
      for (let s; !window!.full && !(s = todo.next()).done;) {
        const { lba, blocks } = s.value;
        window!.add(
          under(link, (signal) => disk.read(lun, lba, blocks, { signal, timeoutMs: o.timeoutMs })).then((data) => {
            if (data.length !== blocks * p.unit) {
              throw new RangeError(`LUN ${lun} returned ${data.length} of ${blocks * p.unit} bytes at block ${lba}`);
            }
            return { lba, data };
          }),
        );
      }
    };
    fill();
    for (let next; (next = window.next());) {
      const chunk = await next;
      fill();
      yield chunk;
    }
  } catch (e) {
    throw o.signal?.aborted ? o.signal.reason : e;
  } finally {
    link.abort();
    link.release();
    await window?.settle();
  }
}
