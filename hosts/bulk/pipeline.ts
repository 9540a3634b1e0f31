// The copy's engine: up to `depth` reads and `depth` writes in flight at once, chunks taken in
// order, each read into a buffer from a pool of 2 x depth that its write gives back. A worker
// that read then wrote would leave its read slot empty while its write ran; here the reads keep
// going while earlier chunks are written, so a LUN is read as fast as bench:read reads it
// whenever the destination keeps up. The first failure aborts the rest, and the promise settles
// only once nothing is in flight.
import type { Extent } from './extent.ts';
import { type Linked, under } from './linked-signal.ts';

export interface PipelineSpec {
  from: Extent;
  to: Extent;
  total: number;
  chunk: number;
  depth: number;
  verify: boolean;
  link: Linked;
  /** A chunk is copied (and verified): [offset, offset + length). */
  copied(offset: number, length: number): void;
}

interface Read {
  at: number;
  buf: Uint8Array;
}

export function pipeline(p: PipelineSpec): Promise<void> {
  const { from, to, total, chunk, depth, link } = p;
  return new Promise<void>((resolve, reject) => {
    const free: Uint8Array[] = [], backs: Uint8Array[] = [], ready: Read[] = [];
    let made = 0, next = 0, reading = 0, writing = 0, failure: { e: unknown } | undefined;
    const fail = (e: unknown) => {
      if (!failure) link.abort();
      failure ??= { e };
    };
    const settle = () => {
      if (reading || writing) return;
      if (failure) reject(failure.e);
      else if (next >= total && !ready.length) resolve();
    };
    const read = async (r: Read, len: number) => {
      reading++;
      try {
        await under(link, (signal) => from.read(r.at, r.buf.subarray(0, len), signal));
        ready.push(r);
      } catch (e) {
        fail(e);
      } finally {
        reading--;
      }
      pump();
    };
    const write = async (r: Read) => {
      writing++;
      const len = Math.min(chunk, total - r.at), data = r.buf.subarray(0, len);
      try {
        await under(link, (signal) => to.write(r.at, data, signal));
        if (p.verify) {
          const back = backs.pop() ?? new Uint8Array(chunk);
          await under(link, (signal) => to.read(r.at, back.subarray(0, len), signal));
          backs.push(back);
          const at = firstDifference(data, back);
          if (at >= 0) throw new Error(`${to.name} differs from the source at byte ${r.at + at}`);
        }
        p.copied(r.at, len);
        free.push(r.buf);
      } catch (e) {
        fail(e);
      } finally {
        writing--;
      }
      pump();
    };
    const pump = () => {
      while (!failure && writing < depth && ready.length) void write(ready.shift()!);
      while (!failure && reading < depth && next < total) {
        const buf = free.pop() ?? (made < 2 * depth ? (made++, new Uint8Array(Math.min(chunk, total))) : undefined);
        if (!buf) break;
        const at = next, len = Math.min(chunk, total - at);
        next += len;
        void read({ at, buf }, len);
      }
      settle();
    };
    pump();
  });
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
