// A logged-in session as a disk (docs/io.md): SCSI commands whose every byte on the wire the
// core decides. Here only arguments are checked, buffers chosen and results put into objects.
import type { Engine, TaskSink } from './engine.ts';
import { CODE } from './codes.ts';
import { type Ended, PendingCommand } from './pending-command.ts';
import { withCause } from './async-operation.ts';
import { commandError, ScsiError, scsiError } from './scsi/errors.ts';
import * as command from './scsi/cdb.ts';
import type { Command } from './scsi/cdb.ts';
import { capacity10, capacity16, inquiryData, lunList } from './scsi/data.ts';
import type { VpdPage, VpdPageCode } from './scsi/vpd.ts';
import {
  OUT_CLEAR,
  OUT_REGISTER,
  OUT_REGISTER_IGNORE,
  OUT_RELEASE,
  OUT_RESERVE,
  type RegisteredKeys,
  type ReservationStatus,
  type ReservationType,
} from './scsi/reservations.ts';
import {
  checkKey,
  checkPage,
  checkRanges,
  checkType,
  type CompareAndWriteResult,
  type InquiryPages,
  UnitCommands,
  type UnmapRange,
} from './unit-commands.ts';
import { type Chunk, readBlocks } from './bulk/blocks.ts';
import { type RangeOptions, rangeProblem } from './bulk/plan.ts';
import { readStream } from './bulk/read-stream.ts';
import { writeStream } from './bulk/write-stream.ts';

export interface CommandOptions {
  /** Aborts the command: not sent yet, it just ends; sent, it is aborted with ABORT TASK. It
   *  rejects IscsiError `aborted`, whose `cause` is the signal's own reason. */
  signal?: AbortSignal;
  /** Default 30000; the command ends `timeout` (and is aborted on the wire) when it runs out.
   *  0 means no deadline of its own: it still ends with its session or a logout. */
  timeoutMs?: number;
}
export interface Inquiry extends InquiryPages {
  peripheralType: number;
  vendor: string;
  product: string;
  revision: string;
  serial?: string;
}
export interface Capacity {
  blocks: bigint;
  blockSize: number;
}
export interface RawResult {
  /** The SCSI status byte: 0 GOOD, 0x02 CHECK CONDITION, 0x08 BUSY, ... */
  status: number;
  /** With `dataIn`: the bytes that came, shorter than asked on an underflow. */
  data?: Uint8Array;
  /** The sense data the target sent with the status, undecoded (see `decodeSense`). */
  sense?: Uint8Array;
  /** The target had less to send or take than the buffer held: `residual` bytes of it were unused. */
  underflow: boolean;
  /** The target had more to send or take than the buffer held: `residual` bytes did not fit. */
  overflow: boolean;
  /** The residual count in bytes; it counts only when `underflow` or `overflow` says which it is. */
  residual: number;
}
/** A command waiting for a place on its full session (Session.#wait). */
interface Waiting {
  cmd: Command;
  lun: number;
  /** CMD_* bits, CMD_FOLLOWS among them: it takes the place held for it. */
  how: number;
  /** Its timeoutMs, which runs from the call. */
  ms: number;
  pending: PendingCommand;
  /** Its place was already held (a cold session's command): nothing more to hold. */
  held: boolean;
}
/** A caller's command whose place the core holds until it is sent. */
interface Held {
  sent: boolean;
}

const TIMEOUT_MS = 30000;
const rejectWith = <T>(e: Error): Promise<T> => Promise.reject(e);

export class Session {
  #blockSize = new Map<number, number>();
  #lookups = new Map<number, Promise<Capacity>>();

  /** `live()` is false once the session is gone: its slot in the core may be someone else's. */
  constructor(private engine: Engine, private slot: number, readonly id: string, private live: () => boolean) {}

  /** Commands sent (or waiting for the command window) and not yet ended. */
  get inflight(): number {
    return this.live() ? this.engine.core.sessionTasks(this.slot) : 0;
  }

  /** TEST UNIT READY: resolves when the unit is ready, rejects with ScsiError (sense decoded) when not. */
  testUnitReady(lun = 0, opts: CommandOptions = {}): Promise<void> {
    return this.run(command.testUnitReady(), lun, new Uint8Array(0), opts).then((r) => void ok(r));
  }

  /** REPORT LUNS: the logical unit numbers the target offers on this session. */
  async reportLuns(opts: CommandOptions = {}): Promise<number[]> {
    const buf = new Uint8Array(4096);
    return lunList(took(buf, ok(await this.run(command.reportLuns(buf.length), 0, buf, opts))));
  }

  /** Standard INQUIRY, plus the VPD pages the unit lists (page 0x00): the serial number (0x80),
   *  device identification (0x83) and block limits (0xb0). A page the unit does not have, or
   *  answers with a status other than GOOD, is left out; a unit without page 0x00 is asked for
   *  0x80 alone. */
  async inquiry(lun = 0, opts: CommandOptions = {}): Promise<Inquiry> {
    const std = new Uint8Array(96);
    const data = inquiryData(took(std, ok(await this.run(command.inquiry(std.length), lun, std, opts))));
    return { ...data, ...(await this.#unit.inquiryPages(lun, opts)) };
  }

  /** READ CAPACITY (16), falling back to (10) for a target that does not know it. */
  readCapacity(lun = 0, opts: CommandOptions = {}): Promise<Capacity> {
    return this.capacity(lun, opts, false);
  }

  /** `chain`: a lookup a caller's command waits for; the core counts that command, not this. */
  private async capacity(lun: number, opts: CommandOptions, chain: boolean): Promise<Capacity> {
    const b16 = new Uint8Array(32);
    const ask16 = () => this.run(command.readCapacity16(), lun, b16, opts, true, undefined, chain);
    let r16 = await ask16();
    if (r16.status !== 0) {
      const b10 = new Uint8Array(8);
      const cap = capacity10(
        took(b10, ok(await this.run(command.readCapacity10(), lun, b10, opts, true, undefined, chain))),
      );
      if (cap.blocks <= 0xffffffffn) return this.learn(lun, cap);
      // A last LBA of 0xFFFFFFFF says only that the capacity does not fit (10) (SBC-3): (16) is
      // the one way to learn it, and its first failure may have been passing (BUSY, becoming
      // ready). 2^32 blocks would be a wrong size that nothing tells apart from a right one.
      r16 = await ask16();
      if (r16.status !== 0) {
        throw new ScsiError(
          r16.status,
          r16.sense,
          'READ CAPACITY (10) cannot give the capacity (last LBA 0xFFFFFFFF) and READ CAPACITY (16) failed',
        );
      }
    }
    return this.learn(lun, capacity16(took(b16, r16)));
  }

  /** Reads `blocks` blocks from `lba` into `into` (or a new buffer); a short read is returned short. */
  read(
    lun: number,
    lba: number | bigint,
    blocks: number,
    opts: CommandOptions & { into?: Uint8Array } = {},
  ): Promise<Uint8Array> {
    const bad = checkLun(lun) ?? checkLba(lba) ?? checkCount(blocks, 'blocks');
    if (bad) return rejectWith(bad);
    return this.withBlockSize(lun, opts, async (size, held) => {
      const want = blocks * size;
      // One command carries at most 4 GiB (its transfer length is 32 bits): said before allocating.
      if (want > 0xffffffff) {
        throw new RangeError(`${blocks} blocks of ${size} bytes do not fit one command (4 GiB at most)`);
      }
      if (opts.into && opts.into.length < want) {
        throw new RangeError(`into holds ${opts.into.length} bytes; ${want} are needed`);
      }
      const buf = opts.into ? opts.into.subarray(0, want) : new Uint8Array(want);
      return took(buf, ok(await this.run(command.read(BigInt(lba), blocks, size), lun, buf, opts, true, held)));
    });
  }

  /** Writes `data` (a whole number of blocks) at `lba`; resolves once the target answered GOOD. */
  write(
    lun: number,
    lba: number | bigint,
    data: Uint8Array,
    opts: CommandOptions & { fua?: boolean } = {},
  ): Promise<void> {
    const bad = checkLun(lun) ?? checkLba(lba) ??
      (data instanceof Uint8Array ? undefined : new TypeError('data must be a Uint8Array'));
    if (bad) return rejectWith(bad);
    return this.withBlockSize(lun, opts, async (size, held) => {
      if (data.length === 0 || data.length % size) {
        throw new RangeError(`data is ${data.length} bytes, not a whole number of ${size}-byte blocks`);
      }
      ok(await this.run(command.write(BigInt(lba), data.length / size, size, opts.fua), lun, data, opts, true, held));
    });
  }

  /** SYNCHRONIZE CACHE (10) over the whole unit: resolves once the target says its cache is on the medium. */
  synchronizeCache(lun = 0, opts: CommandOptions = {}): Promise<void> {
    return this.run(command.synchronizeCache(), lun, new Uint8Array(0), opts).then((r) => void ok(r));
  }

  /** Any CDB: `dataIn` bytes to read, or `dataOut` to write. Resolves with the status whatever it is. */
  async scsi(
    lun: number,
    cdb: Uint8Array,
    opts: CommandOptions & {
      dataIn?: number;
      dataOut?: Uint8Array;
      /** May it be sent again if a session recovery finds it unanswered? (default false: it ends `not-replayed`) */
      replay?: boolean;
    } = {},
  ): Promise<RawResult> {
    const bad = checkLun(lun) ??
      (cdb instanceof Uint8Array && cdb.length >= 6 && cdb.length <= 16
        ? undefined
        : new RangeError('cdb must be 6 to 16 bytes')) ??
      (opts.dataIn !== undefined && opts.dataOut !== undefined
        ? new TypeError('dataIn and dataOut cannot both be given')
        : undefined) ??
      (opts.dataIn !== undefined ? checkCount(opts.dataIn, 'dataIn') : undefined);
    if (bad) return rejectWith(bad);
    const buf = opts.dataOut ?? new Uint8Array(opts.dataIn ?? 0);
    const r = await this.run(command.raw(cdb, opts.dataIn, opts.dataOut?.length), lun, buf, opts, opts.replay ?? false);
    return {
      status: r.status,
      data: opts.dataIn ? took(buf, r) : undefined,
      sense: r.sense.length ? r.sense : undefined,
      underflow: (r.flags & CODE.TD_UNDERFLOW) !== 0,
      overflow: (r.flags & CODE.TD_OVERFLOW) !== 0,
      residual: r.residual,
    };
  }

  /** Blocks `start` to `end` of `lun` as a ReadableStream of whole-block chunks in order,
   *  `depth` commands read ahead (docs/io.md, "Bulk transfers"). */
  createReadStream(lun: number, opts: RangeOptions = {}): ReadableStream<Uint8Array> {
    const bad = rangeProblem(lun, opts);
    if (bad) throw bad;
    return readStream(this, lun, opts);
  }

  /** A WritableStream onto `lun` from block `start`: `depth` writes of `blockSize` bytes in flight;
   *  close() resolves once every byte is written (the stream must end on a block boundary). */
  createWriteStream(lun: number, opts: RangeOptions = {}): WritableStream<Uint8Array> {
    const bad = rangeProblem(lun, opts);
    if (bad) throw bad;
    return writeStream(this, lun, opts);
  }

  /** The same reads as createReadStream, as `for await (const { lba, data } of disk.blocks(lun))`. */
  blocks(lun: number, opts: RangeOptions = {}): AsyncGenerator<Chunk, void> {
    const bad = rangeProblem(lun, opts);
    if (bad) throw bad;
    return readBlocks(this, lun, opts);
  }

  // More of SCSI (docs/io.md, "Provisioning, COMPARE AND WRITE, reservations, VPD pages"):
  // arguments are checked here, the rest is in unit-commands.ts.
  #unit = new UnitCommands({
    send: async (cmd, lun, buffer, opts, replay = true) => {
      const r = await this.run(cmd, lun, buffer, opts, replay);
      return { status: r.status, sense: r.sense, data: took(buffer, r) };
    },
    blockSize: async (lun, opts) => this.#blockSize.get(lun) ?? (await this.capacity(lun, opts, false)).blockSize,
  });

  /** One VPD page, decoded: 0x00 supported pages, 0x80 serial number, 0x83 device identification,
   *  0xb0 block limits, 0xb1 block device characteristics, 0xb2 logical block provisioning (any
   *  other through scsi()). Rejects with the target's ScsiError when the unit has no such page. */
  vpd<P extends VpdPageCode>(lun: number, page: P, opts: CommandOptions = {}): Promise<Extract<VpdPage, { page: P }>> {
    const bad = checkLun(lun) ?? checkPage(page);
    return bad ? rejectWith(bad) : this.#unit.vpd(lun, page, opts);
  }

  /** UNMAP: the blocks of `ranges` no longer hold data (they then read as the unit's Logical Block
   *  Provisioning page says: zeros with LBPRZ). Refused with NotSupportedError, nothing sent, when
   *  the unit does not say it does UNMAP (no page 0xb2 or its LBPU 0, or page 0xb0's maximum unmap
   *  LBA or descriptor count 0). Split into as many UNMAP commands as page 0xb0's maximum unmap
   *  LBA count and maximum block descriptor count need (a command's count rounded down to whole
   *  optimal unmap granules when it is what cuts a range), sent one after the other: one that
   *  fails stops the rest, and its error says how many were done before it. */
  unmap(lun: number, ranges: UnmapRange[], opts: CommandOptions = {}): Promise<void> {
    const bad = checkLun(lun) ?? checkRanges(ranges, checkLba);
    return bad ? rejectWith(bad) : this.#unit.unmap(lun, ranges, opts);
  }

  /** WRITE SAME (16): `data` (one block; default zeros) written to `blocks` blocks from `lba`, or
   *  with `unmap` those blocks unmapped where the unit can. With `unmap`, refused with
   *  NotSupportedError, nothing sent, unless page 0xb2 sets LBPWS. Split into commands of at most
   *  page 0xb0's maximum write same length (and 2^32-1 blocks), sent one after the other: one that
   *  fails stops the rest, and its error says how many were done before it. */
  writeSame(
    lun: number,
    lba: number | bigint,
    blocks: number,
    opts: CommandOptions & { data?: Uint8Array; unmap?: boolean } = {},
  ): Promise<void> {
    const bad = checkLun(lun) ?? checkRanges([{ lba, blocks }], checkLba) ??
      (opts.data === undefined || opts.data instanceof Uint8Array
        ? undefined
        : new TypeError('data must be a Uint8Array'));
    return bad ? rejectWith(bad) : this.#unit.writeSame(lun, BigInt(lba), blocks, opts);
  }

  /** COMPARE AND WRITE: if the blocks from `lba` hold `compare`, `data` (as long) is written in
   *  their place, atomically. A MISCOMPARE is an answer: `{ matched: false, offset }`. Never split
   *  (it would not be atomic): more blocks than page 0xb0's maximum compare and write length (or
   *  255) is a RangeError, and a unit whose maximum is 0 refuses it (NotSupportedError), nothing
   *  sent. Not sent again after a session recovery (it would compare with its own data). */
  compareAndWrite(
    lun: number,
    lba: number | bigint,
    compare: Uint8Array,
    data: Uint8Array,
    opts: CommandOptions & { fua?: boolean } = {},
  ): Promise<CompareAndWriteResult> {
    const bad = checkLun(lun) ?? checkLba(lba) ??
      (compare instanceof Uint8Array && data instanceof Uint8Array
        ? undefined
        : new TypeError('compare and data must be Uint8Arrays'));
    return bad ? rejectWith(bad) : this.#unit.compareAndWrite(lun, BigInt(lba), compare, data, opts);
  }

  /** PERSISTENT RESERVE IN, READ KEYS: the keys registered on the LUN, one per I_T nexus. */
  prReadKeys(lun: number, opts: CommandOptions = {}): Promise<RegisteredKeys> {
    const bad = checkLun(lun);
    return bad ? rejectWith(bad) : this.#unit.readKeys(lun, opts);
  }

  /** PERSISTENT RESERVE IN, READ RESERVATION: the LUN's reservation, if any: its holder's key and type. */
  prReadReservation(lun: number, opts: CommandOptions = {}): Promise<ReservationStatus> {
    const bad = checkLun(lun);
    return bad ? rejectWith(bad) : this.#unit.readReservation(lun, opts);
  }

  /** PERSISTENT RESERVE OUT, REGISTER: registers `newKey` for this session (its I_T nexus: our
   *  initiator name and the session's ISID), replacing `key` (default 0n: none registered yet); a
   *  `newKey` of 0n unregisters. A `key` that is not the registered one rejects with
   *  ReservationConflictError. `ignoreExisting` sends REGISTER AND IGNORE EXISTING KEY instead, for
   *  which `key` does not matter. A plain REGISTER is not sent again after a session recovery. */
  prRegister(
    lun: number,
    newKey: bigint,
    opts: CommandOptions & { key?: bigint; ignoreExisting?: boolean; aptpl?: boolean } = {},
  ): Promise<void> {
    const key = opts.key ?? 0n;
    const bad = checkLun(lun) ?? checkKey(newKey, 'newKey') ?? checkKey(key, 'key');
    if (bad) return rejectWith(bad);
    const action = opts.ignoreExisting ? OUT_REGISTER_IGNORE : OUT_REGISTER;
    return this.#unit.reserveOut(lun, action, key, newKey, undefined, opts, !!opts.ignoreExisting, opts.aptpl);
  }

  /** PERSISTENT RESERVE OUT, RESERVE: this session, registered with `key`, reserves the LUN with
   *  `type`; ReservationConflictError when another holds a reservation or `key` is not ours. */
  prReserve(lun: number, key: bigint, type: ReservationType, opts: CommandOptions = {}): Promise<void> {
    const bad = checkLun(lun) ?? checkKey(key, 'key') ?? checkType(type);
    return bad ? rejectWith(bad) : this.#unit.reserveOut(lun, OUT_RESERVE, key, 0n, type, opts, true);
  }

  /** PERSISTENT RESERVE OUT, RELEASE: ends this session's reservation of `type` (holding none, nothing happens). */
  prRelease(lun: number, key: bigint, type: ReservationType, opts: CommandOptions = {}): Promise<void> {
    const bad = checkLun(lun) ?? checkKey(key, 'key') ?? checkType(type);
    return bad ? rejectWith(bad) : this.#unit.reserveOut(lun, OUT_RELEASE, key, 0n, type, opts, true);
  }

  /** PERSISTENT RESERVE OUT, CLEAR: removes every registration and the reservation of the LUN;
   *  `key` is this session's. Not sent again after a session recovery. */
  prClear(lun: number, key: bigint, opts: CommandOptions = {}): Promise<void> {
    const bad = checkLun(lun) ?? checkKey(key, 'key');
    return bad ? rejectWith(bad) : this.#unit.reserveOut(lun, OUT_CLEAR, key, 0n, undefined, opts, false);
  }

  private learn(lun: number, cap: Capacity): Capacity {
    this.#blockSize.set(lun, cap.blockSize);
    return cap;
  }

  /** Runs `fn` with the LUN's block size: at once (in this turn, so the command is in flight
   *  before the caller's next line) when it is known, else after READ CAPACITY.
   *  When the size must be learned first, the caller's command holds its place in the core from
   *  this call on (a logout drains it, or refuses or aborts it, as one command), and concurrent
   *  first commands share one lookup. `held` is handed on to run(), which gives the place back
   *  by sending the command; if it never does, the place is released here. */
  private withBlockSize<T>(
    lun: number,
    opts: CommandOptions,
    fn: (size: number, held?: Held) => Promise<T>,
  ): Promise<T> {
    const size = this.#blockSize.get(lun);
    if (size !== undefined) return fn(size);
    if (!this.live()) return rejectWith(commandError('not-logged-in'));
    // Already aborted: no lookup goes out for a command that will not.
    if (opts.signal?.aborted) return rejectWith(withCause(commandError('aborted'), opts.signal.reason));
    const code = this.engine.hold(this.slot);
    if (code !== 0) return rejectWith(commandError(code === CODE.ERR_LEAVING ? 'logging-out' : 'not-logged-in'));
    const held: Held = { sent: false };
    let lookup = this.#lookups.get(lun);
    if (!lookup) {
      // Shared: without the first caller's signal, so one caller's abort is not another's.
      lookup = this.capacity(lun, { timeoutMs: opts.timeoutMs }, true)
        .finally(() => this.#lookups.delete(lun));
      this.#lookups.set(lun, lookup);
    }
    return lookup.then((c) => fn(c.blockSize, held)).catch((e) => {
      if (!held.sent && this.live()) {
        this.engine.unhold(this.slot, (e as { reason?: string }).reason === 'aborted-by-logout');
      }
      throw e;
    });
  }

  /** One command through the core; resolves with how the target answered, rejects when it did not.
   *  `replay`: after a session recovery (docs/io.md) it may be sent again if it was unanswered;
   *  `held`: the place withBlockSize held for it, taken as it is sent; `chain`: a lookup for such a command. */
  private run(
    cmd: Command,
    lun: number,
    buffer: Uint8Array,
    opts: CommandOptions,
    replay = true,
    held?: Held,
    chain = false,
  ): Promise<Ended> {
    const bad = checkLun(lun) ??
      (opts.timeoutMs === undefined ? undefined : checkCount(opts.timeoutMs, 'timeoutMs', 0));
    if (bad) return rejectWith(bad);
    if (!this.live()) return rejectWith(commandError('not-logged-in'));
    if (opts.signal?.aborted) return rejectWith(withCause(commandError('aborted'), opts.signal.reason));
    const pending = new PendingCommand(buffer, this.engine, opts.signal);
    const ms = opts.timeoutMs ?? TIMEOUT_MS;
    const how = cmd.dir | (replay ? CODE.CMD_REPLAY : 0) | (chain ? CODE.CMD_CHAIN : 0);
    if (held) held.sent = true;
    const first = this.send(cmd, lun, how | (held ? CODE.CMD_FOLLOWS : 0), ms, pending);
    if (first !== CODE.ERR_SESSION_FULL && first !== CODE.ERR_NO_SLOT) pending.started(first);
    // The session has maxCommandsPerSession in flight, or the adapter maxCommands: the command
    // waits for a place.
    else this.#wait({ cmd, lun, how: how | CODE.CMD_FOLLOWS, ms, pending, held: !!held });
    return pending.promise;
  }

  /** A command the full session cannot take yet waits for a place, its own place held in the
   *  core meanwhile, so a logout drains, aborts or refuses it as one command (docs/io.md). */
  #wait({ cmd, lun, how, ms, pending, held }: Waiting): void {
    const { signal } = pending, reject = (e: Error) => pending.fail(e);
    if (this.#waiting.length >= CODE.COMMANDS_WAITING_MAX) {
      if (held) this.engine.unhold(this.slot, false);
      return reject(new RangeError(`${CODE.COMMANDS_WAITING_MAX} commands already wait on this session`));
    }
    const code = held ? 0 : this.engine.hold(this.slot);
    if (code !== 0) return reject(commandError(code === CODE.ERR_LEAVING ? 'logging-out' : 'not-logged-in'));
    // Its deadline runs from the call: time spent waiting counts.
    const since = performance.now();
    const stopWatching = () => {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', aborted);
    };
    const leave = (why: Error) => {
      stopWatching();
      this.#waiting.splice(this.#waiting.indexOf(retry), 1);
      if (!this.#waiting.length) this.engine.stopWaiting(this.#pump);
      if (this.live()) this.engine.unhold(this.slot, false);
      reject(why);
    };
    const aborted = () => leave(withCause(commandError('aborted'), signal?.reason));
    const deadline = ms ? setTimeout(() => leave(commandError('timeout')), ms) : undefined;
    const retry = () => {
      const left = ms && Math.max(1, Math.ceil(ms - (performance.now() - since)));
      const code = this.send(cmd, lun, how, left, pending);
      if (code === CODE.ERR_SESSION_FULL || code === CODE.ERR_NO_SLOT) return false;
      stopWatching();
      pending.started(code, true);
      return true;
    };
    signal?.addEventListener('abort', aborted, { once: true });
    this.#waiting.push(retry);
    this.engine.waitForPlace(this.#pump);
  }

  private send(cmd: Command, lun: number, how: number, timeoutMs: number, sink: TaskSink): number {
    return this.engine.startTask((core) => {
      this.engine.io().set(cmd.cdb);
      return core.command(this.slot, lun, how, cmd.edtl, cmd.cdb.length, timeoutMs);
    }, sink);
  }

  /** Commands waiting for a place on this session, oldest first (see run()). */
  #waiting: (() => boolean)[] = [];
  #pump = () => {
    while (this.#waiting.length && this.#waiting[0]()) this.#waiting.shift();
    if (!this.#waiting.length) this.engine.stopWaiting(this.#pump);
  };
}

// GOOD, or the target's status as a ScsiError.
function ok(r: Ended): Ended {
  if (r.status !== 0) throw scsiError(r.status, r.sense);
  return r;
}
// The bytes a read really brought: an underflow shows as a shorter view, never as padding.
function took(buf: Uint8Array, r: Ended): Uint8Array {
  return r.flags & CODE.TD_UNDERFLOW ? buf.subarray(0, Math.max(0, buf.length - r.residual)) : buf;
}

function checkLun(lun: unknown): Error | undefined {
  if (typeof lun !== 'number') return new TypeError('lun must be a number');
  return Number.isInteger(lun) && lun >= 0 && lun <= 16383 ? undefined : new RangeError('lun must be 0 to 16383');
}
function checkLba(lba: unknown): Error | undefined {
  if (typeof lba === 'bigint') {
    return lba >= 0n && lba < 1n << 64n ? undefined : new RangeError('lba must be 0 to 2^64-1');
  }
  if (typeof lba !== 'number') return new TypeError('lba must be a number or a bigint');
  return Number.isSafeInteger(lba) && lba >= 0 ? undefined : new RangeError('lba must be a whole number, 0 or more');
}
function checkCount(n: unknown, what: string, least = 1): Error | undefined {
  if (typeof n !== 'number') return new TypeError(`${what} must be a number`);
  return Number.isInteger(n) && n >= least && n <= 0xffffffff
    ? undefined
    : new RangeError(`${what} must be a whole number, ${least} or more`);
}
