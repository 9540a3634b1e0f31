// copy(): a LUN to a file, a file to a LUN, or LUN to LUN (docs/io.md, "Bulk transfers"): both
// ends opened and checked against each other before any data moves, the chunks moved by
// pipeline.ts, the destination flushed (SYNCHRONIZE CACHE, fsync) before the copy resolves.
import { Session } from '../session.ts';
import type { Extent, OpenFile } from './extent.ts';
import { linkedSignal, under } from './linked-signal.ts';
import { pipeline } from './pipeline.ts';
import { type LunEnd, lunExtent } from './lun-extent.ts';
import { DEFAULT_CHUNK_BYTES, DEFAULT_DEPTH } from './plan.ts';
import { type CopyProgress, progressCounter } from './progress.ts';

/** A LUN (`{ disk, lun, start? }`) or a file's path. */
export type CopyEnd = LunEnd | string;

export interface CopyOptions {
  /** Reads in flight, and writes in flight (a LUN to a LUN has up to twice this many commands
   *  going); default 16, at most 1024. */
  depth?: number;
  /** Bytes per command, a whole number of both ends' blocks; default 256 KiB. */
  blockSize?: number;
  /** Bytes to copy; default all the source has (from its start). */
  bytes?: number;
  /** Read each chunk back from the destination and compare it before it counts. */
  verify?: boolean;
  /** Called each time the contiguous count moves. */
  onProgress?: (p: CopyProgress) => void;
  signal?: AbortSignal;
  /** Each command's deadline (default 30000). */
  timeoutMs?: number;
}
export interface CopyResult {
  bytes: number;
  verified: boolean;
}

/** A copy that failed part way: `bytes` from the start were copied (and verified, if asked);
 *  the failed chunk starts there. */
export class CopyError extends Error {
  constructor(message: string, readonly bytes: number, cause: unknown) {
    super(message, { cause });
    this.name = 'CopyError';
  }
}

export type Copy = (source: CopyEnd, destination: CopyEnd, opts?: CopyOptions) => Promise<CopyResult>;

/** copy() for a runtime, with its way of opening files. */
export function copier(openFile: OpenFile): Copy {
  return (source, destination, opts = {}) => {
    const bad = endProblem(source, 'source') ?? endProblem(destination, 'destination') ?? optionsProblem(opts);
    if (bad) throw bad;
    return run(openFile, source, destination, opts);
  };
}

async function run(openFile: OpenFile, source: CopyEnd, destination: CopyEnd, o: CopyOptions): Promise<CopyResult> {
  const link = linkedSignal(o.signal);
  const open = (end: CopyEnd, write: boolean) =>
    typeof end === 'string' ? openFile(end, write) : under(link, (signal) => lunExtent(end, o.timeoutMs, signal));
  const opened: Extent[] = [];
  let counter: ReturnType<typeof progressCounter> | undefined;
  try {
    const from = await open(source, false);
    opened.push(from);
    const to = await open(destination, true);
    opened.push(to);
    const unit = lcm(from.unit, to.unit);
    const total = o.bytes ?? from.bytes;
    if (total > from.bytes) throw new RangeError(`${from.name} has ${from.bytes} bytes; ${total} were asked`);
    if (total % unit) throw new RangeError(`${total} bytes is not a whole number of ${unit}-byte blocks`);
    if (total > to.bytes) throw new RangeError(`${to.name} has room for ${to.bytes} bytes; ${total} are to be copied`);
    const chunk = o.blockSize ?? Math.max(unit, DEFAULT_CHUNK_BYTES - DEFAULT_CHUNK_BYTES % unit);
    if (chunk % unit) throw new RangeError(`blockSize ${chunk} is not a whole number of ${unit}-byte blocks`);
    counter = progressCounter(total, o.onProgress ?? (() => {}));
    const depth = Math.max(1, Math.min(o.depth ?? DEFAULT_DEPTH, Math.ceil(total / chunk)));
    await pipeline({ from, to, total, chunk, depth, verify: !!o.verify, link, copied: counter.done });
    await under(link, (signal) => to.flush(signal));
    return { bytes: total, verified: !!o.verify };
  } catch (e) {
    if (o.signal?.aborted) throw o.signal.reason;
    const bytes = counter?.bytes ?? 0;
    throw new CopyError(`copy stopped after ${bytes} bytes: ${(e as Error)?.message ?? e}`, bytes, e);
  } finally {
    link.release();
    await Promise.allSettled(opened.map((x) => x.close()));
  }
}

const gcd = (a: number, b: number): number => b ? gcd(b, a % b) : a;
const lcm = (a: number, b: number) => a / gcd(a, b) * b;

function endProblem(end: unknown, what: string): Error | undefined {
  if (typeof end === 'string') return end ? undefined : new TypeError(`${what} path is empty`);
  const l = end as Partial<LunEnd> | null;
  if (typeof l !== 'object' || l === null || !(l.disk instanceof Session) || typeof l.lun !== 'number') {
    return new TypeError(`${what} must be a file path or { disk: Session, lun: number, start? }`);
  }
  if (l.start !== undefined && typeof l.start !== 'number' && typeof l.start !== 'bigint') {
    return new TypeError(`${what}.start must be a number or a bigint`);
  }
  return undefined;
}

function optionsProblem(o: CopyOptions): Error | undefined {
  if (typeof o !== 'object' || o === null) return new TypeError('options must be an object');
  for (const k of ['depth', 'blockSize', 'bytes', 'timeoutMs'] as const) {
    const v = o[k];
    if (v !== undefined && typeof v !== 'number') return new TypeError(`${k} must be a number`);
    const least = k === 'bytes' || k === 'timeoutMs' ? 0 : 1, most = k === 'depth' ? 1024 : Number.MAX_SAFE_INTEGER;
    if (v !== undefined && (!Number.isInteger(v) || v < least || v > most)) {
      return new RangeError(`${k} must be a whole number, ${least} to ${most}`);
    }
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    return new TypeError('onProgress must be a function');
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    return new TypeError('signal must be an AbortSignal');
  }
  return undefined;
}
