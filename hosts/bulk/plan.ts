// Which blocks a bulk transfer covers and how it cuts them into commands (docs/io.md, "Bulk
// transfers"). Types are checked at the call; what depends on the LUN's size waits for its capacity.
import type { BulkDisk, BulkOptions } from './disk.ts';

export interface RangeOptions extends BulkOptions {
  /** First block (LBA); default 0. */
  start?: number | bigint;
  /** The block after the last one; default the end of the LUN. */
  end?: number | bigint;
  /** Bytes one command carries, a whole number of the LUN's blocks; default 256 KiB (the last
   *  command of a range carries what is left). */
  blockSize?: number;
  /** Commands kept in flight; default 16, at most 1024. */
  depth?: number;
}

/** One command's share of a range. */
export interface Span {
  lba: bigint;
  blocks: number;
}
export interface Plan {
  start: bigint;
  end: bigint;
  /** The LUN's block size in bytes. */
  unit: number;
  /** Blocks per command. */
  per: number;
  depth: number;
}

export const DEFAULT_CHUNK_BYTES = 256 * 1024;
export const DEFAULT_DEPTH = 16;
const MAX_DEPTH = 1024;

/** What is wrong with the options' types and plain ranges, or undefined. */
export function rangeProblem(lun: unknown, o: RangeOptions): Error | undefined {
  if (typeof lun !== 'number') return new TypeError('lun must be a number');
  if (typeof o !== 'object' || o === null) return new TypeError('options must be an object');
  for (const k of ['start', 'end'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' && typeof v !== 'bigint') return new TypeError(`${k} must be a number or a bigint`);
    if (typeof v === 'number' ? !Number.isSafeInteger(v) || v < 0 : v < 0n) {
      return new RangeError(`${k} must be a whole number of blocks, 0 or more`);
    }
  }
  for (const [k, least, most] of [['blockSize', 1, 0x7fffffff], ['depth', 1, MAX_DEPTH]] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'number') return new TypeError(`${k} must be a number`);
    if (!Number.isInteger(v) || v < least || v > most) {
      return new RangeError(`${k} must be a whole number, ${least} to ${most}`);
    }
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    return new TypeError('signal must be an AbortSignal');
  }
  return undefined;
}

/** The transfer over `lun` as `o` asks, against the LUN's capacity (read now). */
export async function plan(disk: BulkDisk, lun: number, o: RangeOptions): Promise<Plan> {
  const { blocks, blockSize: unit } = await disk.readCapacity(lun, { signal: o.signal, timeoutMs: o.timeoutMs });
  const start = BigInt(o.start ?? 0), end = o.end === undefined ? blocks : BigInt(o.end);
  if (end > blocks) throw new RangeError(`end is block ${end}; LUN ${lun} has ${blocks} blocks`);
  if (start > end) throw new RangeError(`start (${start}) is past end (${end})`);
  const bytes = o.blockSize ?? Math.max(unit, DEFAULT_CHUNK_BYTES - DEFAULT_CHUNK_BYTES % unit);
  if (bytes % unit) throw new RangeError(`blockSize ${bytes} is not a whole number of ${unit}-byte blocks`);
  return { start, end, unit, per: bytes / unit, depth: o.depth ?? DEFAULT_DEPTH };
}

/** The commands covering [from, end) in order, `per` blocks each but the last. */
export function* spans(p: Plan, from = p.start): Generator<Span> {
  for (let lba = from; lba < p.end;) {
    const left = p.end - lba, blocks = left < BigInt(p.per) ? Number(left) : p.per;
    yield { lba, blocks };
    lba += BigInt(blocks);
  }
}
