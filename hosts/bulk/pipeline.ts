// The copy's engine: up to `depth` reads and `depth` writes in flight at once, chunks taken in
// order, each read into a buffer from a pool of 2 x depth that its write gives back. A worker
// that read then wrote would leave its read slot empty while its write ran; here the reads keep
// going while earlier chunks are written, so a LUN is read as fast as bench:read reads it
// whenever the destination keeps up. A failure stops new reads and aborts the chunks after it;
// those before it are finished, so the copy ends having copied everything up to the failure.
// The promise settles only once nothing is in flight.
import type { Extent } from './extent.ts';
import type { Linked, Taken } from './linked-signal.ts';

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
  /** The chunk's commands' signal: the transfer's abort reaches it, or a failure before it. */
  chunk: Taken;
}

export function pipeline(p: PipelineSpec): Promise<void> {
  const { from, to, total, chunk, depth, link } = p;
  return new Promise<void>((resolve, reject) => {
    const free: Uint8Array[] = [], backs: Uint8Array[] = [], ready: Read[] = [];
    let made = 0, next = 0, reading = 0, writing = 0;
    // The failure at the lowest offset: it bounds what can be copied. Chunks before it go on to
    // the end (the count then reaches it); chunks after it are aborted and dropped.
    let failure: { e: unknown; at: number } | undefined;
    const fail = (e: unknown, at: number) => {
      if (failure && failure.at <= at) return;
      failure = { e, at };
      for (const r of inflight.values()) if (r.at > at) r.chunk.abort();
    };
    const wanted = (r: Read) => !failure || r.at < failure.at;
    const inflight = new Map<number, Read>();
    const finished = (r: Read) => {
      r.chunk.done();
      inflight.delete(r.at);
      free.push(r.buf);
    };
    const settle = () => {
      if (reading || writing || ready.some(wanted)) return;
      if (failure) reject(failure.e);
      else if (next >= total) resolve();
    };
    const read = async (r: Read, len: number) => {
      reading++;
      try {
        await from.read(r.at, r.buf.subarray(0, len), r.chunk.signal);
        ready.push(r);
      } catch (e) {
        fail(e, r.at);
        finished(r);
      } finally {
        reading--;
      }
      pump();
    };
    const write = async (r: Read) => {
      writing++;
      const len = Math.min(chunk, total - r.at), data = r.buf.subarray(0, len);
      try {
        await to.write(r.at, data, r.chunk.signal);
        if (p.verify) {
          const back = backs.pop() ?? new Uint8Array(chunk);
          await to.read(r.at, back.subarray(0, len), r.chunk.signal);
          backs.push(back);
          const at = firstDifference(data, back);
          if (at >= 0) throw new Error(`${to.name} differs from the source at byte ${r.at + at}`);
        }
        p.copied(r.at, len);
      } catch (e) {
        fail(e, r.at);
      } finally {
        writing--;
        finished(r);
      }
      pump();
    };
    const pump = () => {
      for (let i = 0; i < ready.length; i++) {
        if (!wanted(ready[i])) finished(ready.splice(i--, 1)[0]);
      }
      while (writing < depth && ready.length) void write(ready.shift()!);
      while (!failure && reading < depth && next < total) {
        const buf = free.pop() ?? (made < 2 * depth ? (made++, new Uint8Array(Math.min(chunk, total))) : undefined);
        if (!buf) break;
        const at = next, len = Math.min(chunk, total - at);
        next += len;
        const r: Read = { at, buf, chunk: link.take() };
        inflight.set(at, r);
        void read(r, len);
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
