// A web WritableStream onto a LUN from `start`: bytes are gathered into blockSize commands,
// `depth` of them in flight; a write() resolves once its bytes are copied and there is room in
// the window (that is the stream's backpressure). close() resolves when every command answered
// GOOD; the stream must end on a block boundary. On any failure the commands still in flight are
// aborted and waited for before the stream errors.
import type { BulkDisk } from './disk.ts';
import { linkedSignal, under } from './linked-signal.ts';
import { type Plan, plan, type RangeOptions } from './plan.ts';
import { Window } from './window.ts';

export function writeStream(disk: BulkDisk, lun: number, o: RangeOptions): WritableStream<Uint8Array> {
  const link = linkedSignal(o.signal);
  let p: Plan, window: Window<void>, lba: bigint, buf: Uint8Array, filled = 0;

  const send = async (data: Uint8Array) => {
    const blocks = data.length / p.unit;
    if (lba + BigInt(blocks) > p.end) throw new RangeError(`the stream goes past block ${p.end} of LUN ${lun}`);
    const at = lba;
    window.add(under(link, (signal) => disk.write(lun, at, data, { signal, timeoutMs: o.timeoutMs })));
    lba += BigInt(blocks);
    for (let oldest; window.full && (oldest = window.next());) await oldest;
  };
  // Ends the transfer on a failure: nothing left running, the caller's abort reason kept.
  const failed = async (e: unknown): Promise<never> => {
    link.abort();
    link.release();
    await window?.settle();
    throw o.signal?.aborted ? o.signal.reason : e;
  };

  return new WritableStream<Uint8Array>({
    async start() {
      try {
        p = await under(link, (signal) => plan(disk, lun, { ...o, signal }));
      } catch (e) {
        return failed(e);
      }
      window = new Window(p.depth);
      lba = p.start;
      buf = new Uint8Array(p.per * p.unit);
    },
    async write(chunk) {
      if (!(chunk instanceof Uint8Array)) return failed(new TypeError('a chunk must be a Uint8Array'));
      try {
        for (let at = 0; at < chunk.length;) {
          const n = Math.min(chunk.length - at, buf.length - filled);
          buf.set(chunk.subarray(at, at + n), filled);
          [filled, at] = [filled + n, at + n];
          if (filled < buf.length) continue;
          // The command reads its buffer until the target took it all: each gets its own.
          const full = buf;
          [buf, filled] = [new Uint8Array(buf.length), 0];
          await send(full);
        }
      } catch (e) {
        return failed(e);
      }
    },
    async close() {
      try {
        if (filled % p.unit) {
          throw new RangeError(`the stream ended ${filled % p.unit} bytes into a ${p.unit}-byte block`);
        }
        if (filled) await send(buf.subarray(0, filled));
        for (let oldest; (oldest = window.next());) await oldest;
      } catch (e) {
        return failed(e);
      }
      link.release();
    },
    async abort() {
      link.abort();
      link.release();
      await window?.settle();
    },
  });
}
