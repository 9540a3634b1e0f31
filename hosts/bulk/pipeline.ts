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

/** Chunks one writev may carry, and writes a file destination has in flight at once. */
const RUN = 16;
const FILE_WRITES = 2;

interface Read {
  at: number;
  buf: Uint8Array;
  /** The chunk's commands' signal: the transfer's abort reaches it, or a failure before it. */
  chunk: Taken;
}

export function pipeline(p: PipelineSpec): Promise<void> {
  const { from, to, total, chunk, depth, link } = p;
  // A file takes few writes at once, each a run of chunks (they queue on the runtime's small
  // thread pool, where many single writes cost more than they carry); a LUN takes `depth`.
  const writers = to.writev ? Math.min(depth, FILE_WRITES) : depth;
  // Buffers: depth reading, and as many again written or waiting; a file's runs want more.
  const buffers = 2 * depth + (to.writev ? RUN * writers : 0);
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
        // Kept in offset order, so a run of chunks that follow each other can go out as one.
        let i = ready.length;
        while (i > 0 && ready[i - 1].at > r.at) i--;
        ready.splice(i, 0, r);
      } catch (e) {
        fail(e, r.at);
        finished(r);
      } finally {
        reading--;
      }
      pump();
    };
    // One write for a run of chunks that follow each other (a file takes them in one writev:
    // one trip through the runtime's thread pool instead of one per chunk); a LUN takes each
    // chunk as its own WRITE. With verify, each chunk is read back and compared.
    const write = async (run: Read[]) => {
      writing++;
      const lens = run.map((r) => Math.min(chunk, total - r.at)), first = run[0];
      try {
        const parts = run.map((r, i) => r.buf.subarray(0, lens[i]));
        if (run.length > 1) await to.writev!(first.at, parts, first.chunk.signal);
        else await to.write(first.at, parts[0], first.chunk.signal);
        for (let i = 0; i < run.length; i++) {
          if (p.verify) await verify(run[i], parts[i]);
          p.copied(run[i].at, lens[i]);
        }
      } catch (e) {
        fail(e, first.at);
      } finally {
        writing--;
        run.forEach(finished);
      }
      pump();
    };
    const verify = async (r: Read, data: Uint8Array) => {
      const back = backs.pop() ?? new Uint8Array(chunk);
      await to.read(r.at, back.subarray(0, data.length), r.chunk.signal);
      backs.push(back);
      const at = firstDifference(data, back);
      if (at >= 0) throw new Error(`${to.name} differs from the source at byte ${r.at + at}`);
    };
    // The ready chunks from the lowest offset on that follow each other, at most RUN of them.
    const takeRun = (): Read[] => {
      const run = [ready.shift()!];
      while (to.writev && run.length < RUN && ready.length && ready[0].at === run.at(-1)!.at + chunk) {
        run.push(ready.shift()!);
      }
      return run;
    };
    const pump = () => {
      for (let i = 0; i < ready.length; i++) {
        if (!wanted(ready[i])) finished(ready.splice(i--, 1)[0]);
      }
      while (writing < writers && ready.length) void write(takeRun());
      while (!failure && reading < depth && next < total) {
        const buf = free.pop() ?? (made < buffers ? (made++, new Uint8Array(Math.min(chunk, total))) : undefined);
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
