// The SCSI commands of a Session beyond reading and writing blocks (docs/io.md, "Provisioning,
// COMPARE AND WRITE, reservations, VPD pages"): what decides whether and how they are sent. Their
// arguments are checked by Session before they get here; their CDBs and data are built and read
// in scsi/vpd.ts, provisioning.ts and reservations.ts.
import type { Command } from './scsi/cdb.ts';
import * as command from './scsi/cdb.ts';
import { NotSupportedError, type ScsiError, scsiError } from './scsi/errors.ts';
import { decodeSense } from './scsi/sense.ts';
import { serialNumber } from './scsi/data.ts';
import * as vpd from './scsi/vpd.ts';
import * as provisioning from './scsi/provisioning.ts';
import * as pr from './scsi/reservations.ts';

interface Options {
  signal?: AbortSignal;
  timeoutMs?: number;
}
/** What a Session lends these commands. */
export interface UnitPort {
  /** The command through the core: its status and sense whatever it is, and the bytes that came. */
  send(
    cmd: Command,
    lun: number,
    buffer: Uint8Array,
    opts: Options,
    replay?: boolean,
  ): Promise<{ status: number; sense: Uint8Array; data: Uint8Array }>;
  /** The LUN's block size: known, or from READ CAPACITY now. */
  blockSize(lun: number, opts: Options): Promise<number>;
}
/** How COMPARE AND WRITE ended: written, or not because the blocks held other data, the first
 *  difference `offset` bytes into them (when the target said where). */
export type CompareAndWriteResult = { matched: true } | { matched: false; offset?: number };
/** Blocks for UNMAP: `blocks` from `lba` on. */
export interface UnmapRange {
  lba: number | bigint;
  blocks: number;
}
/** What INQUIRY adds from the VPD pages the unit lists. */
export interface InquiryPages {
  /** The VPD pages the unit lists (page 0x00), when it has that page. */
  vpdPages?: number[];
  serial?: string;
  /** Its device identification (page 0x83), when listed. */
  identification?: vpd.Designator[];
  /** Its block limits (page 0xb0), when listed. */
  blockLimits?: vpd.BlockLimits;
}
/** What a LUN's pages 0xb0 and 0xb2 say, each absent when the unit does not list it. */
interface UnitLimits {
  limits?: vpd.BlockLimits;
  provisioning?: vpd.LogicalBlockProvisioning;
}

export class UnitCommands {
  #limits = new Map<number, Promise<UnitLimits>>();

  constructor(private port: UnitPort) {}

  /** Pages 0x80, 0x83 and 0xb0 as page 0x00 lists them; each one optional (a status other than
   *  GOOD leaves it out). A unit without page 0x00 is asked for 0x80 alone, as INQUIRY always did. */
  async inquiryPages(lun: number, opts: Options): Promise<InquiryPages> {
    const list = await this.page(lun, 0x00, opts);
    const pages = list instanceof Uint8Array ? vpd.supportedPages(list) : undefined;
    const out: InquiryPages = pages ? { vpdPages: pages } : {};
    const page = async (p: number) => {
      if (!(pages ? pages.includes(p) : p === 0x80)) return undefined;
      const b = await this.page(lun, p, opts);
      return b instanceof Uint8Array ? b : undefined;
    };
    const serial = await page(0x80), id = await page(0x83), limits = await page(0xb0);
    if (serial) out.serial = serialNumber(serial);
    if (id) out.identification = vpd.designators(id);
    if (limits) out.blockLimits = vpd.blockLimits(limits);
    return out;
  }

  async vpd<P extends vpd.VpdPageCode>(
    lun: number,
    page: P,
    opts: Options,
  ): Promise<Extract<vpd.VpdPage, { page: P }>> {
    const b = await this.page(lun, page, opts);
    if (!(b instanceof Uint8Array)) throw b;
    return vpd.decodeVpd(page, b);
  }

  async unmap(lun: number, ranges: UnmapRange[], opts: Options): Promise<void> {
    const { provisioning: lbp, limits } = await this.limits(lun, opts);
    if (!lbp?.lbpu) {
      throw new NotSupportedError(
        'UNMAP',
        `LUN ${lun} does not do it (${lbp ? 'LBPU is 0 in its' : 'it has no'} Logical Block Provisioning VPD page)`,
      );
    }
    if (limits && (!limits.maximumUnmapLbaCount || !limits.maximumUnmapBlockDescriptorCount)) {
      throw new NotSupportedError('UNMAP', `LUN ${lun}'s Block Limits VPD page allows no block to be unmapped`);
    }
    const plan = provisioning.unmapPlan(
      ranges.map((r) => ({ lba: BigInt(r.lba), blocks: BigInt(r.blocks) })),
      limits ?? NO_UNMAP_LIMITS,
    );
    for (const [i, part] of plan.entries()) {
      const { cmd, data } = provisioning.unmap(part);
      inPlan(await this.port.send(cmd, lun, data, opts), 'UNMAP', i, plan.length);
    }
  }

  async writeSame(
    lun: number,
    lba: bigint,
    blocks: number,
    opts: Options & { data?: Uint8Array; unmap?: boolean },
  ): Promise<void> {
    const size = await this.port.blockSize(lun, opts);
    if (opts.data && opts.data.length !== size) {
      throw new RangeError(`data is ${opts.data.length} bytes; WRITE SAME takes one block of ${size}`);
    }
    const { provisioning: lbp, limits } = await this.limits(lun, opts);
    if (opts.unmap && !lbp?.lbpws) {
      throw new NotSupportedError(
        'WRITE SAME (16) with UNMAP',
        `LUN ${lun} does not do it (${lbp ? 'LBPWS is 0 in its' : 'it has no'} Logical Block Provisioning VPD page)`,
      );
    }
    const block = opts.data ?? new Uint8Array(size);
    const plan = provisioning.writeSamePlan({ lba, blocks: BigInt(blocks) }, limits?.maximumWriteSameLength ?? 0n);
    for (const [i, p] of plan.entries()) {
      const cmd = provisioning.writeSame16(p.lba, Number(p.blocks), size, !!opts.unmap);
      inPlan(await this.port.send(cmd, lun, block, opts), 'WRITE SAME (16)', i, plan.length);
    }
  }

  async compareAndWrite(
    lun: number,
    lba: bigint,
    compare: Uint8Array,
    data: Uint8Array,
    opts: Options & { fua?: boolean },
  ): Promise<CompareAndWriteResult> {
    const size = await this.port.blockSize(lun, opts);
    if (compare.length !== data.length || !data.length || data.length % size) {
      throw new RangeError(
        `compare (${compare.length} bytes) and data (${data.length}) must be the same whole number of ${size}-byte blocks`,
      );
    }
    const blocks = data.length / size, most = (await this.limits(lun, opts)).limits?.maximumCompareAndWriteLength;
    if (most === 0) {
      throw new NotSupportedError(
        'COMPARE AND WRITE',
        `LUN ${lun}'s Block Limits VPD page gives a maximum length of 0`,
      );
    }
    // Its NUMBER OF LOGICAL BLOCKS is one byte.
    if (blocks > Math.min(most ?? 255, 255)) {
      throw new RangeError(`COMPARE AND WRITE of ${blocks} blocks: LUN ${lun} takes at most ${most ?? 255} at once`);
    }
    const both = new Uint8Array(2 * data.length);
    both.set(compare);
    both.set(data, data.length);
    // Not sent again after a recovery: done once, a second one would compare with its own data.
    const r = await this.port.send(provisioning.compareAndWrite(lba, blocks, size, !!opts.fua), lun, both, opts, false);
    const sense = r.status === 0x02 ? decodeSense(r.sense) : undefined;
    if (sense?.senseKey === 0x0e) {
      return sense.information === undefined
        ? { matched: false }
        : { matched: false, offset: Number(sense.information) };
    }
    if (r.status !== 0) throw scsiError(r.status, r.sense);
    return { matched: true };
  }

  async readKeys(lun: number, opts: Options): Promise<pr.RegisteredKeys> {
    return pr.registeredKeys(await this.reserveIn(lun, pr.IN_READ_KEYS, opts));
  }

  async readReservation(lun: number, opts: Options): Promise<pr.ReservationStatus> {
    return pr.reservationStatus(await this.reserveIn(lun, pr.IN_READ_RESERVATION, opts));
  }

  /** `replay`: false for the actions that cannot be done twice (REGISTER with a key, CLEAR). */
  async reserveOut(
    lun: number,
    action: number,
    key: bigint,
    serviceKey: bigint,
    type: pr.ReservationType | undefined,
    opts: Options,
    replay: boolean,
    aptpl = false,
  ): Promise<void> {
    const { cmd, data } = pr.reserveOut(action, key, serviceKey, type && pr.RESERVATION_TYPES[type], aptpl);
    const r = await this.port.send(cmd, lun, data, opts, replay);
    if (r.status !== 0) throw scsiError(r.status, r.sense);
  }

  private async reserveIn(lun: number, action: number, opts: Options): Promise<Uint8Array> {
    // Asked again, once, when more keys are registered than the first answer holds.
    for (let alloc = 1024, tries = 0;; tries++) {
      const r = await this.port.send(pr.reserveIn(action, alloc), lun, new Uint8Array(alloc), opts);
      if (r.status !== 0) throw scsiError(r.status, r.sense);
      const want = Math.min(pr.answerLength(r.data), 0xffff);
      if (want <= alloc || tries) return r.data;
      alloc = want;
    }
  }

  /** Page `page`'s bytes, or the error its status other than GOOD makes. A page longer than the
   *  first answer could hold is asked again, once, at its length. */
  private async page(lun: number, page: number, opts: Options): Promise<Uint8Array | ScsiError> {
    for (let alloc = 252, tries = 0;; tries++) {
      const r = await this.port.send(command.inquiry(alloc, page), lun, new Uint8Array(alloc), opts);
      if (r.status !== 0) return scsiError(r.status, r.sense);
      const b = r.data, want = b.length >= 4 ? 4 + ((b[2] << 8) | b[3]) : 0;
      if (want <= alloc || tries) return b;
      alloc = Math.min(want, 0xffff);
    }
  }

  /** Pages 0xb0 and 0xb2, asked once per LUN on this session (as its block size is) and shared by
   *  the commands that wait for them; a lookup that fails is asked again next time. */
  private limits(lun: number, opts: Options): Promise<UnitLimits> {
    let known = this.#limits.get(lun);
    if (!known) {
      // Shared: without the first caller's signal, so one caller's abort is not another's.
      known = this.askLimits(lun, { timeoutMs: opts.timeoutMs });
      this.#limits.set(lun, known);
      known.catch(() => this.#limits.delete(lun));
    }
    return known;
  }

  private async askLimits(lun: number, opts: Options): Promise<UnitLimits> {
    const list = await this.page(lun, 0x00, opts);
    const pages = list instanceof Uint8Array ? vpd.supportedPages(list) : [];
    const b0 = pages.includes(0xb0) ? await this.page(lun, 0xb0, opts) : undefined;
    const b2 = pages.includes(0xb2) ? await this.page(lun, 0xb2, opts) : undefined;
    return {
      ...(b0 instanceof Uint8Array ? { limits: vpd.blockLimits(b0) } : {}),
      ...(b2 instanceof Uint8Array ? { provisioning: vpd.logicalBlockProvisioning(b2) } : {}),
    };
  }
}

// A unit with LBPU set but no Block Limits page gave no limit: only the fields' own bounds hold.
const NO_UNMAP_LIMITS = {
  maximumUnmapLbaCount: 0xffffffff,
  maximumUnmapBlockDescriptorCount: 0xffffffff,
  optimalUnmapGranularity: 0,
};

// A command of a split UNMAP or WRITE SAME that did not end GOOD: its error says how far the split got.
function inPlan(r: { status: number; sense: Uint8Array }, what: string, i: number, of: number): void {
  if (r.status === 0) return;
  throw scsiError(r.status, r.sense, of > 1 ? `${what} ${i + 1} of ${of} (the ${i} before it were done)` : undefined);
}

export function checkKey(key: unknown, what: string): Error | undefined {
  if (typeof key !== 'bigint') return new TypeError(`${what} must be a bigint`);
  return key >= 0n && key < 1n << 64n ? undefined : new RangeError(`${what} must be 0 to 2^64-1`);
}
export function checkType(type: unknown): Error | undefined {
  if (typeof type === 'string' && Object.hasOwn(pr.RESERVATION_TYPES, type)) return undefined;
  const names = Object.keys(pr.RESERVATION_TYPES).join(', ');
  return new (typeof type === 'string' ? RangeError : TypeError)(`type must be one of ${names}`);
}
/** `checkLba` is the Session's, so an LBA is judged the same everywhere. */
export function checkRanges(ranges: unknown, checkLba: (lba: unknown) => Error | undefined): Error | undefined {
  if (!Array.isArray(ranges) || !ranges.length) return new TypeError('ranges must be a non-empty array');
  for (const r of ranges as UnmapRange[]) {
    const bad = (typeof r === 'object' && r ? checkLba(r.lba) : new TypeError('a range must be { lba, blocks }')) ??
      (typeof r.blocks === 'number' ? undefined : new TypeError('blocks must be a number')) ??
      (Number.isSafeInteger(r.blocks) && r.blocks >= 1
        ? undefined
        : new RangeError('blocks must be a whole number, 1 or more')) ??
      (BigInt(r.lba) + BigInt(r.blocks) <= 1n << 64n ? undefined : new RangeError('a range runs past LBA 2^64-1'));
    if (bad) return bad;
  }
  return undefined;
}
export const checkPage = (page: unknown): Error | undefined =>
  typeof page !== 'number'
    ? new TypeError('page must be a number')
    : (vpd.VPD_PAGES as readonly number[]).includes(page)
    ? undefined
    : new RangeError('page must be one of 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 (any other through scsi())');
