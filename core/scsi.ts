// SCSI commands on a session (docs/io.md): CDBs, SCSI Command PDUs, the command window,
// Data-In in order, R2T answered with Data-Out, SCSI Responses, ABORT TASK, a retry after a
// UNIT ATTENTION. Payload bytes stay with the host: the core says which bytes go where.
// Functions that meet a protocol error return false; the caller drops the session.
import { ACT_DATA_IN, ACT_EVENT, EV_UNIT_ATTENTION, TIMER_TASK, ACT_ARM, ERR_NO_SLOT, ERR_BAD_FIELD,
  ERR_BAD_CONN, S5_LOGGED_IN, Q3_LOGGED_IN, K_IMMEDIATE_DATA, K_FIRST_BURST_LENGTH, K_MAX_RECV_DSL_TARGET,
  CDB_RAW, CDB_TEST_UNIT_READY, CDB_INQUIRY, CDB_READ_CAPACITY_10, CDB_READ_CAPACITY_16, CDB_REPORT_LUNS, CDB_READ,
  CDB_WRITE, CDB_SYNCHRONIZE_CACHE, DIR_READ, DIR_WRITE, T_COMPLETED, T_LOGGING_OUT, T_TARGET_FAILURE, T_TIMEOUT,
  T_ABORTED } from "./codes";
import { act, txAlloc } from "./actions";
import { TX, IO, RX, be16, be24, be32, put32, snGt } from "./mem";
import { Conn, Session, Task, taskCap, conn, sess, task, taskAlloc, taskByItt, taskItt, nextItt, NONE, LS_NONE,
  TS_QUEUED, TS_SENT, TS_ABORTING, TF_READ, TF_WRITE, TF_RETRIED } from "./records";
import { pduBegin, pduEnd, pduEndWithPayload, stamp } from "./send";
import { sessionParam } from "./keys";
import { taskEnd } from "./tasks";

// ---- starting a command
// LUN, single level (SAM-5 §4.7): peripheral addressing below 256, flat space up to 16383.
function lunWord(lun: u32): u32 { return lun < 256 ? lun << 16 : (0x4000 | lun) << 16; }

function cdbPut(t: Task, at: u32, v: u32, bytes: u32): void {
  for (let k: u32 = 0; k < bytes; k++) store<u8>(t.cdb + at + k, <u8>(v >> ((bytes - 1 - k) * 8)));
}

// Fills the CDB, direction and transfer length for `kind`; false when the arguments cannot be.
function buildCdb(t: Task, kind: u32, lbaHi: u32, lbaLo: u32, count: u32, size: u32, extra: u32): bool {
  const c = t.cdb;
  if (kind == CDB_TEST_UNIT_READY) { t.cdbLen = 6; return true; }
  if (kind == CDB_INQUIRY) {
    if (count == 0 || count > 0xFFFF || extra > 256) return false;
    store<u8>(c, 0x12);
    if (extra) { store<u8>(c, 1, 1); store<u8>(c, <u8>(extra - 1), 2); }
    cdbPut(t, 3, count, 2);
    t.cdbLen = 6; t.flags |= TF_READ; t.edtl = count; return true;
  }
  if (kind == CDB_READ_CAPACITY_10) { store<u8>(c, 0x25); t.cdbLen = 10; t.flags |= TF_READ; t.edtl = 8; return true; }
  if (kind == CDB_READ_CAPACITY_16) {
    store<u8>(c, 0x9E); store<u8>(c, 0x10, 1); cdbPut(t, 10, 32, 4);
    t.cdbLen = 16; t.flags |= TF_READ; t.edtl = 32; return true;
  }
  if (kind == CDB_REPORT_LUNS) {
    if (count < 16) return false;
    store<u8>(c, 0xA0); cdbPut(t, 6, count, 4);
    t.cdbLen = 12; t.flags |= TF_READ; t.edtl = count; return true;
  }
  if (kind == CDB_READ || kind == CDB_WRITE) {
    if (count == 0 || size == 0 || <u64>count * <u64>size > 0xFFFFFFFF) return false;
    const write = kind == CDB_WRITE;
    const fua: u32 = write && extra ? 0x08 : 0;
    if (lbaHi == 0 && count <= 0xFFFF) {                 // READ(10) / WRITE(10)
      store<u8>(c, write ? 0x2A : 0x28); store<u8>(c, <u8>fua, 1);
      cdbPut(t, 2, lbaLo, 4); cdbPut(t, 7, count, 2); t.cdbLen = 10;
    } else {                                             // READ(16) / WRITE(16)
      store<u8>(c, write ? 0x8A : 0x88); store<u8>(c, <u8>fua, 1);
      cdbPut(t, 2, lbaHi, 4); cdbPut(t, 6, lbaLo, 4); cdbPut(t, 10, count, 4); t.cdbLen = 16;
    }
    t.flags |= write ? TF_WRITE : TF_READ; t.edtl = count * size; return true;
  }
  if (kind == CDB_SYNCHRONIZE_CACHE) { store<u8>(c, 0x35); t.cdbLen = 10; return true; }
  if (kind == CDB_RAW) {
    if (count == 0 || count > 16 || extra > DIR_WRITE) return false;
    memory.copy(c, IO, count);
    t.cdbLen = count; t.edtl = size;
    if (extra == DIR_READ) t.flags |= TF_READ; else if (extra == DIR_WRITE) t.flags |= TF_WRITE;
    return size == 0 || extra != 0;
  }
  return false;
}

// Returns the task slot (a command refused for a leaving session ends at once, in this call),
// or a negative ERR_*.
export function scsiCommand(si: i32, kind: u32, lun: u32, lbaHi: u32, lbaLo: u32, count: u32, size: u32, extra: u32, timeoutMs: u32): i32 {
  const s = sess(si);
  if (s.state != Q3_LOGGED_IN || s.conn == NONE) return ERR_BAD_CONN;
  if (lun > 16383 || timeoutMs > 0x7FFFFFFF) return ERR_BAD_FIELD;
  const t = taskAlloc(si);
  if (t == null) return ERR_NO_SLOT;
  if (!buildCdb(t, kind, lbaHi, lbaLo, count, size, extra)) { t.state = 0; return ERR_BAD_FIELD; }
  t.lunHi = lunWord(lun); t.lunLo = 0;
  t.itt = taskItt(t); t.seq = s.taskSeq++; t.timeoutMs = timeoutMs;
  s.tasks++;
  // A session on its way out takes no new command.
  if (s.lstate != LS_NONE || conn(<i32>s.conn).state != S5_LOGGED_IN) { taskEnd(t, T_LOGGING_OUT, 0, 0, 0, 0, 0, 0, false); return t.index; }
  if (timeoutMs) act(ACT_ARM, (TIMER_TASK << 16) | <u32>t.index, timeoutMs);
  scsiPump(s);
  return t.index;
}

@inline function windowOpen(s: Session): bool { return !snGt(s.cmdSN, s.maxCmdSN); }

// Sends queued commands of session s, oldest first, while its command window is open.
export function scsiPump(s: Session): void {
  const c = conn(<i32>s.conn);
  if (c.state != S5_LOGGED_IN) return;
  while (windowOpen(s)) {
    let best: Task | null = null;
    for (let i = 0; i < taskCap(); i++) {
      const t = task(i);
      if (t.state == TS_QUEUED && t.sess == s.index && (best == null || t.seq < best.seq)) best = t;
    }
    if (best == null) return;
    sendCommand(c, s, best);
  }
}

function sendCommand(c: Conn, s: Session, t: Task): void {
  let imm: u32 = 0;
  if ((t.flags & TF_WRITE) && sessionParam(s, K_IMMEDIATE_DATA) == 1) {
    imm = min(t.edtl, min(sessionParam(s, K_FIRST_BURST_LENGTH), sessionParam(s, K_MAX_RECV_DSL_TARGET)));
  }
  const p = pduBegin(c, 0);
  // F: no unsolicited Data-Out follows (InitialR2T is Yes: we offer it, and it is an OR key).
  const rw: u32 = (t.flags & TF_READ ? 0x40 : 0) | (t.flags & TF_WRITE ? 0x20 : 0);
  stamp(p, 0x01, 0x80 | rw | 1, t.itt, t.edtl, s.cmdSN, c.expStatSN);
  put32(p + 8, t.lunHi); put32(p + 12, t.lunLo);
  memory.copy(p + 32, t.cdb, 16);
  t.cmdSN = s.cmdSN;
  s.cmdSN++;
  t.state = TS_SENT;
  if (imm) pduEndWithPayload(t, 0, imm); else pduEnd(0);
}

// ---- what the target sends for a command
// A Data-In header (streamed): which task, and where its payload goes. dinTask -1: dropped.
export function dataInHeader(c: Conn, s: Session, p: usize): bool {
  c.dinTask = -1;
  const t = taskByItt(s.index, be32(p + 16));
  if (t == null) return false;
  if (t.state == TS_ABORTING) return true;
  const dsl = be24(p + 5);
  const off = be32(p + 40);
  if (t.state != TS_SENT || !(t.flags & TF_READ) || be32(p + 36) != t.expDataSN || off != t.dataIn || <u64>off + <u64>dsl > <u64>t.edtl) return false;
  t.expDataSN++;
  c.dinTask = t.index; c.dinOffset = off;
  c.dinB1 = <u32>load<u8>(p, 1); c.dinStatus = <u32>load<u8>(p, 3); c.dinResidual = be32(p + 44);
  return true;
}
export function dataInPiece(c: Conn, p: usize, n: u32): void {
  if (c.dinTask < 0) return;
  act(ACT_DATA_IN, <u32>c.dinTask, <u32>(p - RX), n, c.dinOffset);
  c.dinOffset += n;
  task(c.dinTask).dataIn += n;
}
// The end of a Data-In: with the S bit it carries the command's status.
export function dataInEnd(c: Conn): void {
  if (c.dinTask < 0 || !(c.dinB1 & 0x01)) return;
  const t = task(c.dinTask);
  c.dinTask = -1;
  taskEnd(t, T_COMPLETED, c.dinStatus, 0, c.dinB1 & 0x06, c.dinResidual, 0, 0, false);
}

// R2T: send the Data-Out it asks for, in PDUs no larger than the target takes.
export function r2t(c: Conn, s: Session, p: usize): bool {
  const t = taskByItt(s.index, be32(p + 16));
  if (t == null) return false;
  if (t.state == TS_ABORTING) return true;
  const off = be32(p + 40), len = be32(p + 44);
  if (t.state != TS_SENT || !(t.flags & TF_WRITE) || be32(p + 36) != t.r2tSN || len == 0 || <u64>off + <u64>len > <u64>t.edtl) return false;
  t.r2tSN++;
  const ttt = be32(p + 20);
  const most = max<u32>(512, sessionParam(s, K_MAX_RECV_DSL_TARGET));
  let sn: u32 = 0;
  for (let at = off; at < off + len; sn++) {
    const n = min(most, off + len - at);
    const q = pduBegin(c, 0);
    stamp(q, 0x05, at + n == off + len ? 0x80 : 0, t.itt, ttt, 0, c.expStatSN);
    put32(q + 8, t.lunHi); put32(q + 12, t.lunLo);
    put32(q + 36, sn); put32(q + 40, at);
    pduEndWithPayload(t, at, n);
    at += n;
  }
  return true;
}

// SCSI Response: the command's status, residual and sense data.
export function scsiResponse(c: Conn, s: Session, p: usize, data: usize, dsl: u32): bool {
  const t = taskByItt(s.index, be32(p + 16));
  if (t == null) return false;
  if (t.state == TS_ABORTING) { t.state = 0; return true; }
  if (t.state != TS_SENT) return false;
  const response = <u32>load<u8>(p, 2), status = <u32>load<u8>(p, 3);
  let senseAt: u32 = 0, senseLen: u32 = 0;
  if (dsl >= 2) {
    senseLen = be16(data);
    if (senseLen + 2 > be24(p + 5)) return false;
    // A long segment comes with its first MAX_RECV_DSL bytes (framer.ts); sense is at most 252.
    senseLen = min(senseLen, dsl - 2);
    const at = txAlloc(senseLen);
    if (at < 0) return false;
    memory.copy(TX + at, data + 2, senseLen);
    senseAt = <u32>at;
  }
  if (response != 0) { taskEnd(t, T_TARGET_FAILURE, status, response, 0, 0, senseAt, senseLen, false); return true; }
  // CHECK CONDITION with UNIT ATTENTION (sense key 6, fixed or descriptor format): the target
  // tells us something changed (power on, reset, LUN inventory); the command is sent again once.
  if (status == 0x02 && senseLen >= 3 && !(t.flags & TF_RETRIED)) {
    const code = <u32>load<u8>(data + 2) & 0x7F;
    const descriptor = code == 0x72 || code == 0x73;
    const key = <u32>load<u8>(data + 2 + (descriptor ? 1 : 2)) & 0x0F;
    if (key == 6) {
      const asc = senseLen >= 14 || descriptor ? <u32>load<u8>(data + 2 + (descriptor ? 2 : 12)) : 0;
      const ascq = senseLen >= 14 || descriptor ? <u32>load<u8>(data + 2 + (descriptor ? 3 : 13)) : 0;
      act(ACT_EVENT, <u32>s.index, EV_UNIT_ATTENTION, asc, ascq, 0);
      t.flags |= TF_RETRIED;
      t.dataIn = 0; t.expDataSN = 0; t.r2tSN = 0;
      t.gen++; t.itt = taskItt(t);
      t.state = TS_QUEUED;
      scsiPump(s);
      return true;
    }
  }
  taskEnd(t, T_COMPLETED, status, response, <u32>load<u8>(p, 1) & 0x06, be32(p + 44), senseAt, senseLen, false);
  return true;
}

// Task Management Function Response: the target's last word on a task we aborted.
export function tmfResponse(s: Session, p: usize): void {
  const itt = be32(p + 16);
  for (let i = 0; i < taskCap(); i++) {
    const t = task(i);
    if (t.state == TS_ABORTING && t.sess == s.index && t.abortItt == itt) { t.state = 0; return; }
  }
}

// ---- ending a command early
// The caller gave up (aborted) or its time ran out: a command not sent yet just ends; a sent one
// ends for its caller now and is aborted on the wire with ABORT TASK (Immediate).
export function taskStop(ti: i32, reason: u32): void {
  const t = task(ti);
  if (t.state != TS_QUEUED && t.state != TS_SENT) return;
  const sent = t.state == TS_SENT;
  taskEnd(t, reason, 0, 0, 0, 0, 0, 0, sent);
  if (!sent) return;
  const s = sess(t.sess);
  const c = conn(<i32>s.conn);
  if (c.state != S5_LOGGED_IN) return;
  const p = pduBegin(c, 0);
  const itt = nextItt(s);
  stamp(p, 0x42, 0x81, itt, t.itt, s.cmdSN, c.expStatSN);  // ABORT TASK, Referenced Task Tag at 20
  put32(p + 8, t.lunHi); put32(p + 12, t.lunLo);
  put32(p + 32, t.cmdSN); put32(p + 36, t.expDataSN);
  pduEnd(0);
  t.abortItt = itt;
}
export function taskTimer(ti: i32): void { if (ti >= 0 && ti < taskCap()) taskStop(ti, T_TIMEOUT); }
export function taskAbort(ti: i32): void { if (ti >= 0 && ti < taskCap()) taskStop(ti, T_ABORTED); }
