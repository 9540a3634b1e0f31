// SCSI for the built-in target: the commands an initiator needs to use a disk, with Data-In,
// R2T and SCSI Response the way tgtd sends them (Data-In split at the initiator's
// MaxRecvDataSegmentLength with the status on the last one; R2Ts of at most MaxBurstLength,
// one outstanding). Test equipment, so it also plays faults on this path.
import type { Lun } from './lun.ts';
import type { Ending } from './ending.ts';
import type { Reservations } from './reservations.ts';
import { type Unit, vpdPage } from './vpd.ts';
import { compareAndWrite, unmap, writeSame } from './provisioning.ts';

export interface ScsiIo {
  /** A target PDU header: opcode, byte 1, ITT; `advance`: whether it takes a StatSN. */
  header(op: number, b1: number, itt: number, advance: boolean): Uint8Array;
  send(bhs: Uint8Array, data?: Uint8Array): void;
  /** The initiator's MaxRecvDataSegmentLength, and the session's MaxBurstLength. */
  limits(): { dataIn: number; burst: number };
  /** Runs fn after ms, unless the connection has left Full Feature Phase by then. */
  later(ms: number, fn: () => void): void;
  /** What fn sends goes out in one socket write. */
  together(fn: () => void): void;
  /** Bytes as they are, nothing fixed up (no length, no digest). */
  raw(bytes: Uint8Array): void;
  /** True the first time `what` is asked of this target (across all its connections), false after. */
  once(what: string): boolean;
  /** Destroys the connection (no FIN, nothing more read from it). */
  drop(): void;
  /** The I_T nexus this connection's session is: initiator name and ISID. */
  nexus(): string;
}
/** What the logical unit says of itself and the state its connections share. */
export interface LogicalUnit {
  unit: Unit;
  /** The target's name, for its device identification page. */
  name: string;
  reservations: Reservations;
}
export const SCSI_FAULTS = [
  'stall',
  'bad-offset',
  'check-condition',
  'descriptor-sense',
  'bad-block',
  'corrupt-block',
  'unit-attention',
  'capacity-16-busy-once',
  'capacity-16-not-ready',
  'long-pdus',
  'r2t-oversize',
  'r2t-together',
  'reject-command',
  'reject-data-out',
  'slow-async-logout',
  'short-read',
  'garbage',
  'unknown-opcode',
  'r2t-unknown-itt',
  'data-in-out-of-bounds',
  'huge-dsl',
  'stall-reject-abort',
  'late-answer',
  'answer-rejected-abort',
  'stall-silent',
  'stall-after-data',
  'drop-mid-read',
  'drop-mid-write',
  'refuse-relogin',
  'redirect-relogin',
  'drop-every',
] as const;
/** Faults that answer the first READ with bytes that break the session instead of its data. */
const HOSTILE_READ: readonly string[] = [
  'garbage',
  'unknown-opcode',
  'r2t-unknown-itt',
  'data-in-out-of-bounds',
  'huge-dsl',
];
export type ScsiFault = typeof SCSI_FAULTS[number] | undefined;

const put32 = (b: Uint8Array, o: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(o, v >>> 0);
const be32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o);
const be16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];

interface Write {
  itt: number;
  lun: Uint8Array;
  offset: number;
  length: number;
  got: number;
  burstEnd: number;
  r2tsn: number;
  /** 'drop-every': the connection goes once half the data is on the disk. */
  dropAtHalf?: boolean;
  /** A command whose data is a parameter list or compared, not written as it comes: gathered
   *  here, then handed to `done`. */
  gathered?: Uint8Array;
  done?: (data: Uint8Array) => void;
}

/** `arg`: the target's faultArg, for the faults that take one. */
export function scsiHandler(lun: Lun, io: ScsiIo, fault: ScsiFault, arg: number | undefined, lu: LogicalUnit) {
  const writes = new Map<number, Write>();
  // Task management faults: commands held unanswered (ITT -> LUN number) until a LOGICAL UNIT
  // RESET of their LUN; the LUNs reset so far answer as usual; the held tasks an ABORT TASK named.
  const holding = fault === 'stall-reject-abort' || fault === 'late-answer' || fault === 'answer-rejected-abort';
  const held = new Map<number, number>();
  const reset = new Set<number>();
  const named = new Set<number>();
  // 'unit-attention': conditions pending, reported one per command (faultArg of them, default 1).
  let attention = fault === 'unit-attention' ? arg ?? 1 : 0;
  let ttt = 1;
  let oversized = false; // 'r2t-oversize' played
  let rejected = false; // 'reject-command' or 'reject-data-out' played
  let asked = false; // 'slow-async-logout' sent its AsyncEvent
  let hostile = HOSTILE_READ.includes(fault ?? '');
  const batched: Write[] = []; // 'r2t-together': writes waiting for their R2T,
  const written: number[] = []; // ... and those waiting for their SCSI Response
  // Under the capacity faults the unit claims 2^33 blocks, more than READ CAPACITY (10) can say.
  const dropRead = fault === 'drop-mid-read' || fault === 'refuse-relogin' || fault === 'redirect-relogin';
  const bigCapacity = fault === 'capacity-16-busy-once' || fault === 'capacity-16-not-ready';
  let capacity16Busy = fault === 'capacity-16-busy-once';
  let received = 0; // 'drop-every': SCSI commands this connection has received

  const sense = (key: number, asc: number, ascq: number, information?: number) => {
    const s = new Uint8Array(18);
    s[0] = information === undefined ? 0x70 : 0xf0;
    s[2] = key;
    if (information !== undefined) put32(s, 3, information);
    s[7] = 10;
    s[12] = asc;
    s[13] = ascq;
    return s;
  };
  // Descriptor format (SPC-4 4.5.2) with an Information descriptor holding the LBA that failed.
  const descriptorSense = (key: number, asc: number, ascq: number, information: bigint) => {
    const s = new Uint8Array(8 + 12);
    s.set([0x72, key, asc, ascq]);
    s[7] = 12;
    s.set([0x00, 0x0a, 0x80], 8);
    new DataView(s.buffer).setBigUint64(12, information);
    return s;
  };
  const respond = (itt: number, status: number, senseData?: Uint8Array, residual = 0, under = false) => {
    const h = io.header(0x21, 0x80 | (under ? 0x02 : 0), itt, true);
    h[3] = status;
    put32(h, 44, residual);
    let data: Uint8Array | undefined;
    if (senseData) {
      // 'long-pdus': iSCSI response data after the sense fills the segment to 20 KiB.
      data = new Uint8Array(fault === 'long-pdus' ? 20480 : 2 + senseData.length);
      for (let i = 2 + senseData.length; i < data.length; i++) data[i] = i * 7;
      data[1] = senseData.length;
      data.set(senseData, 2);
    }
    io.send(h, data);
  };
  const check = (itt: number, key: number, asc: number, ascq = 0) => respond(itt, 0x02, sense(key, asc, ascq));
  const end = (itt: number, lunBytes: Uint8Array, edtl: number, e: Ending | Uint8Array | undefined) => {
    if (e instanceof Uint8Array) return dataIn(itt, lunBytes, e, edtl);
    if (!e) return respond(itt, 0);
    if ('status' in e) return respond(itt, e.status);
    respond(itt, 0x02, sense(e.key, e.asc, e.ascq ?? 0, e.information));
  };
  // The Data-Out of a command that is not a WRITE: its immediate data, then R2Ts for the rest.
  const gather = (
    itt: number,
    lunBytes: Uint8Array,
    length: number,
    immediate: Uint8Array,
    done: (data: Uint8Array) => void,
  ) => {
    const gathered = new Uint8Array(length);
    gathered.set(immediate.subarray(0, length));
    if (immediate.length >= length) return done(gathered);
    const w: Write = {
      itt,
      lun: lunBytes,
      offset: 0,
      length,
      got: immediate.length,
      burstEnd: 0,
      r2tsn: 0,
      gathered,
      done,
    };
    writes.set(itt, w);
    r2t(w);
  };

  // Data-In in pieces of the initiator's MaxRecvDataSegmentLength; GOOD rides on the last one,
  // with the residual as RFC 7143 §11.4.5.1 has it: U for the part of the buffer left unused,
  // O for the data the buffer had no room for, so an initiator can tell a short answer from a cut one.
  // 'short-read' (short): half the data, then GOOD with no residual at all.
  const dataIn = (itt: number, lunBytes: Uint8Array, data: Uint8Array, edtl: number, short = false) => {
    const most = io.limits().dataIn;
    const n = short ? Math.floor(Math.min(data.length, edtl) / 2) : Math.min(data.length, edtl);
    let sn = 0;
    for (let at = 0; at < n || (n === 0 && at === 0); at += most) {
      const piece = data.subarray(at, Math.min(n, at + most));
      const last = at + most >= n;
      const residual = !last || short ? 0 : edtl > n ? 0x02 : data.length > edtl ? 0x04 : 0;
      const h = io.header(0x25, last ? 0x80 | 0x01 | residual : 0, itt, last);
      h.set(lunBytes, 8);
      put32(h, 20, 0xffffffff);
      put32(h, 36, sn++);
      put32(h, 40, at + (fault === 'bad-offset' && sn === 2 ? 512 : 0));
      if (last && !short) put32(h, 44, Math.abs(edtl - data.length));
      io.send(h, piece);
      if (n === 0) break;
    }
  };

  // 'drop-mid-read': the first half of the data in Data-In without status, then the connection goes.
  const halfThenDrop = (itt: number, lunBytes: Uint8Array, data: Uint8Array) => {
    const most = io.limits().dataIn, n = Math.floor(data.length / 2);
    for (let at = 0, sn = 0; at < n; at += most) {
      const h = io.header(0x25, 0, itt, false);
      h.set(lunBytes, 8);
      put32(h, 20, 0xffffffff);
      put32(h, 36, sn++);
      put32(h, 40, at);
      io.send(h, data.subarray(at, Math.min(n, at + most)));
    }
    io.drop();
  };

  const r2t = (w: Write) => {
    const burst = io.limits().burst;
    let len = Math.min(burst, w.length - w.got);
    if (fault === 'r2t-oversize' && !oversized && w.length - w.got > burst) {
      oversized = true;
      len = Math.min(burst + 512, w.length - w.got);
    }
    const h = io.header(0x31, 0x80, w.itt, false);
    h.set(w.lun, 8);
    put32(h, 20, ttt++);
    put32(h, 36, w.r2tsn++);
    put32(h, 40, w.got);
    put32(h, 44, len);
    w.burstEnd = w.got + len;
    io.send(h);
  };

  const blocksOf = (cdb: Uint8Array): { lba: number; count: number } | undefined => {
    const op = cdb[0];
    if (op === 0x28 || op === 0x2a) return { lba: be32(cdb, 2), count: be16(cdb, 7) };
    if (op === 0x88 || op === 0x8a) {
      return { lba: Number(new DataView(cdb.buffer, cdb.byteOffset).getBigUint64(2)), count: be32(cdb, 10) };
    }
    return undefined;
  };

  // An Asynchronous Message: event 1 asks for a logout within Parameter3 seconds.
  const asyncEvent = (event: number, p3: number) => {
    const h = io.header(0x32, 0x80, 0xffffffff, true);
    h[36] = event;
    h[42] = p3 >> 8;
    h[43] = p3;
    io.send(h);
  };

  // What the hostile faults send instead of answering a READ.
  const breakRead = (itt: number, lunBytes: Uint8Array, edtl: number) => {
    if (fault === 'garbage') {
      let x = (arg ?? 1) >>> 0 || 1;
      const junk = new Uint8Array(4096);
      for (let i = 0; i < junk.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        junk[i] = x & 0xff;
      }
      return io.raw(junk);
    }
    if (fault === 'unknown-opcode') return io.send(io.header(0x38, 0x80, 0xffffffff, false));
    if (fault === 'r2t-unknown-itt') {
      const h = io.header(0x31, 0x80, 0xdeadbeef, false);
      h.set(lunBytes, 8);
      put32(h, 20, ttt++);
      put32(h, 44, 512);
      return io.send(h);
    }
    if (fault === 'data-in-out-of-bounds') {
      const most = io.limits().dataIn;
      const dataIn = (b1: number, sn: number, at: number, n: number) => {
        const h = io.header(0x25, b1, itt, (b1 & 0x01) !== 0);
        h.set(lunBytes, 8);
        put32(h, 20, 0xffffffff);
        put32(h, 36, sn);
        put32(h, 40, at);
        io.send(h, new Uint8Array(n));
      };
      let at = 0, sn = 0;
      for (; at < edtl; at += most) dataIn(0, sn++, at, Math.min(most, edtl - at));
      return dataIn(0x81, sn, edtl, 512); // in order, but past the end of the buffer
    }
    // 'huge-dsl': a SCSI Response header whose data segment would be 16 MiB - 1; none follows.
    const h = io.header(0x21, 0x80, itt, true);
    h[5] = h[6] = h[7] = 0xff;
    io.raw(h);
  };

  /** A SCSI Command PDU (and its immediate data). */
  function command(bhs: Uint8Array, immediate: Uint8Array) {
    const itt = be32(bhs, 16);
    const op = bhs[32];
    const readOrWrite = op === 0x28 || op === 0x88 || op === 0x2a || op === 0x8a;
    if (fault === 'drop-every' && ++received === (arg ?? 40)) {
      if (!readOrWrite) return io.drop();
      return dropMidway(bhs, immediate);
    }
    if (fault === 'reject-command' && !rejected) {
      rejected = true;
      const h = io.header(0x3f, 0x80, 0xffffffff, true);
      h[2] = arg ?? 0x05;
      return io.send(h, bhs);
    }
    if (fault === 'slow-async-logout') {
      if (readOrWrite && !asked) {
        asked = true;
        asyncEvent(1, 2);
      }
      return io.later(arg ?? 300, () => answer(bhs, immediate));
    }
    if (hostile && (op === 0x28 || op === 0x88)) {
      hostile = false;
      return breakRead(itt, bhs.slice(8, 16), be32(bhs, 20));
    }
    answer(bhs, immediate);
  }

  // 'drop-every': a READ gets half its Data-In; a WRITE puts half its data on the disk (from its
  // immediate data, or from its Data-Out after the R2T as usual); then the connection goes.
  function dropMidway(bhs: Uint8Array, immediate: Uint8Array) {
    const itt = be32(bhs, 16), cdb = bhs.subarray(32, 48);
    const { lba, count } = blocksOf(cdb)!;
    if (lba + count > lun.blocks) return io.drop();
    const offset = lba * lun.blockSize, length = count * lun.blockSize, half = Math.floor(length / 2);
    if (cdb[0] === 0x28 || cdb[0] === 0x88) return halfThenDrop(itt, bhs.slice(8, 16), lun.read(offset, length));
    lun.write(offset, immediate.subarray(0, half));
    if (immediate.length >= half) return io.drop();
    const w: Write = {
      itt,
      lun: bhs.slice(8, 16),
      offset,
      length,
      got: immediate.length,
      burstEnd: 0,
      r2tsn: 0,
      dropAtHalf: true,
    };
    writes.set(itt, w);
    r2t(w);
  }

  function answer(bhs: Uint8Array, immediate: Uint8Array) {
    const itt = be32(bhs, 16), edtl = be32(bhs, 20);
    const lunBytes = bhs.slice(8, 16);
    const lunNo = ((lunBytes[0] & 0x3f) << 8) | lunBytes[1];
    const cdb = bhs.subarray(32, 48);
    if (fault === 'stall' || fault === 'stall-silent') return;
    if (holding && !reset.has(lunNo)) {
      held.set(itt, lunNo);
      return;
    }
    if (fault === 'stall-after-data' && (cdb[0] === 0x28 || cdb[0] === 0x88)) {
      const { lba, count } = blocksOf(cdb)!;
      const first = lun.read(lba * lun.blockSize, Math.min(count * lun.blockSize, 1024));
      for (let sn = 0; sn * 512 < first.length; sn++) {
        const h = io.header(0x25, 0, itt, false);
        h.set(lunBytes, 8);
        put32(h, 20, 0xffffffff);
        put32(h, 36, sn);
        put32(h, 40, sn * 512);
        io.send(h, first.subarray(sn * 512, sn * 512 + 512));
      }
      return;
    }
    if (lunNo !== 0 && cdb[0] !== 0xa0 && cdb[0] !== 0x12) return check(itt, 5, 0x25);
    if (attention > 0 && cdb[0] !== 0x12 && cdb[0] !== 0xa0) {
      attention--;
      return check(itt, 6, 0x29);
    }
    if (lu.reservations.conflicts(io.nexus(), cdb[0])) return respond(itt, 0x18);
    switch (cdb[0]) {
      case 0x5e:
        return end(itt, lunBytes, edtl, lu.reservations.in(cdb));
      case 0x5f:
      case 0x42:
      case 0x93:
      case 0x89: {
        const op = cdb[0], kept = cdb.slice(), nexus = io.nexus();
        return gather(itt, lunBytes, edtl, immediate, (data) => {
          const e = op === 0x5f
            ? lu.reservations.out(nexus, kept, data)
            : (op === 0x42 ? unmap : op === 0x93 ? writeSame : compareAndWrite)(lun, lu.unit, kept, data);
          end(itt, lunBytes, edtl, e);
        });
      }
      case 0x00:
      case 0x35:
      case 0x91:
        if (cdb[0] !== 0x00) lun.flush();
        return respond(itt, 0);
      case 0x12: {
        if (cdb[1] & 1) {
          const page = vpdPage(lu.unit, cdb[2], lu.name);
          return page ? dataIn(itt, lunBytes, page, edtl) : check(itt, 5, 0x24);
        }
        const d = new Uint8Array(36);
        d[0] = lunNo === 0 ? 0x00 : 0x7f;
        d[2] = 0x06;
        d[3] = 0x02;
        d[4] = 31;
        d.set(new TextEncoder().encode('IA      ISCSI-ADAPTER   0001'), 8);
        return dataIn(itt, lunBytes, d, edtl);
      }
      case 0xa0: {
        const d = new Uint8Array(16);
        d[3] = 8;
        return dataIn(itt, lunBytes, d, edtl);
      }
      case 0x25: {
        const d = new Uint8Array(8);
        put32(d, 0, bigCapacity ? 0xffffffff : lun.blocks - 1);
        put32(d, 4, lun.blockSize);
        return dataIn(itt, lunBytes, d, edtl);
      }
      case 0x9e: {
        if ((cdb[1] & 0x1f) !== 0x10) return check(itt, 5, 0x24);
        if (capacity16Busy) {
          capacity16Busy = false;
          return respond(itt, 0x08);
        }
        if (fault === 'capacity-16-not-ready') return check(itt, 2, 0x04, 0x01);
        const d = new Uint8Array(32);
        new DataView(d.buffer).setBigUint64(0, bigCapacity ? (1n << 33n) - 1n : BigInt(lun.blocks - 1));
        put32(d, 8, lun.blockSize);
        return dataIn(itt, lunBytes, d, edtl);
      }
      case 0x28:
      case 0x88:
      case 0x2a:
      case 0x8a: {
        const { lba, count } = blocksOf(cdb)!;
        if (lba + count > lun.blocks) return check(itt, 5, 0x21);
        const offset = lba * lun.blockSize, length = count * lun.blockSize;
        if (cdb[0] === 0x28 || cdb[0] === 0x88) {
          if (fault === 'check-condition' || fault === 'long-pdus') return check(itt, 3, 0x11);
          if (fault === 'descriptor-sense') return respond(itt, 0x02, descriptorSense(3, 0x11, 0, BigInt(lba)));
          if (dropRead && io.once('drop')) return halfThenDrop(itt, lunBytes, lun.read(offset, length));
          const at = (arg ?? 0) - lba, covered = at >= 0 && at < count;
          if (fault === 'bad-block' && covered) return check(itt, 3, 0x11);
          const data = lun.read(offset, length);
          if (fault === 'corrupt-block' && covered) data[at * lun.blockSize] ^= 0xff;
          return dataIn(itt, lunBytes, data, edtl, fault === 'short-read');
        }
        const w: Write = { itt, lun: lunBytes, offset, length, got: 0, burstEnd: 0, r2tsn: 0 };
        if (immediate.length) {
          lun.write(offset, immediate.subarray(0, length));
          w.got = immediate.length;
        }
        if (fault === 'drop-mid-write' && w.got * 2 >= length && io.once('drop')) return io.drop();
        if (w.got >= length) return respond(itt, 0);
        writes.set(itt, w);
        if (fault !== 'r2t-together') return r2t(w);
        batched.push(w);
        if (batched.length < (arg ?? 32)) return;
        io.together(() => batched.splice(0).forEach(r2t));
        return;
      }
      default:
        return check(itt, 5, 0x20);
    }
  }

  /** A Data-Out PDU: its bytes go to the disk; a finished burst asks for the next or ends the write. */
  function dataOut(bhs: Uint8Array, data: Uint8Array) {
    const w = writes.get(be32(bhs, 16));
    if (!w) return;
    if (fault === 'reject-data-out' && !rejected) {
      rejected = true;
      const h = io.header(0x3f, 0x80, 0xffffffff, true);
      h[2] = 0x02;
      return io.send(h, bhs);
    }
    const at = be32(bhs, 40);
    if (w.gathered && w.done) {
      w.gathered.set(data.subarray(0, Math.max(0, w.length - at)), at);
      w.got = Math.max(w.got, at + data.length);
      if (!(bhs[1] & 0x80)) return;
      if (w.got < w.length) return r2t(w);
      writes.delete(w.itt);
      return w.done(w.gathered);
    }
    const half = Math.floor(w.length / 2);
    if (w.dropAtHalf && at + data.length >= half) {
      if (half > at) lun.write(w.offset + at, data.subarray(0, half - at));
      writes.delete(w.itt);
      return io.drop();
    }
    lun.write(w.offset + at, data);
    w.got = Math.max(w.got, at + data.length);
    if (fault === 'drop-mid-write' && w.got * 2 >= w.length && io.once('drop')) {
      writes.delete(w.itt);
      return io.drop();
    }
    if (!(bhs[1] & 0x80)) return;
    if (w.got < w.length) return r2t(w);
    writes.delete(w.itt);
    if (fault !== 'r2t-together') return respond(w.itt, 0);
    // Nothing goes back before every write of the batch has all its data.
    written.push(w.itt);
    if (written.length < (arg ?? 32)) return;
    io.together(() => written.splice(0).forEach((itt) => respond(itt, 0)));
  }

  /** Task management: ABORT TASK forgets the task and answers Function Complete, unless a
   *  fault says otherwise (the task management faults above). */
  function taskManagement(bhs: Uint8Array) {
    if (fault === 'stall-silent') return;
    const fn = bhs[1] & 0x7f, rtt = be32(bhs, 20);
    const lunNo = ((bhs[8] & 0x3f) << 8) | bhs[9];
    const answer = (response: number) => {
      const h = io.header(0x22, 0x80, be32(bhs, 16), true);
      h[2] = response;
      io.send(h);
    };
    if (!holding) {
      writes.delete(rtt);
      return answer(0);
    }
    if (fn === 5) { // LOGICAL UNIT RESET: every task on the LUN ends, and the LUN answers again
      const late = [...held].filter(([itt, l]) => l === lunNo && named.has(itt)).map(([itt]) => itt);
      for (const [itt, l] of held) if (l === lunNo) held.delete(itt);
      reset.add(lunNo);
      answer(0);
      if (fault === 'late-answer') { for (const itt of late) respond(itt, 0); }
      return;
    }
    if (fn !== 1) return answer(0);
    named.add(rtt);
    if (fault === 'answer-rejected-abort') {
      answer(255);
      if (held.delete(rtt)) respond(rtt, 0);
      return;
    }
    const response = arg ?? (fault === 'late-answer' ? 0 : 255);
    answer(response);
    if (response === 0 && held.delete(rtt) && fault === 'late-answer') respond(rtt, 0);
  }

  return { command, dataOut, taskManagement };
}
