// SCSI commands on a session (docs/io.md): CDBs, SCSI Command PDUs, the command window,
// Data-In in order, R2T answered with paced Data-Out, SCSI Responses, Rejects, task management
// (ABORT TASK, then LUN RESET when that fails), a retry after a UNIT ATTENTION. Payload bytes
// stay with the host: the core says which bytes go where. Functions that meet a protocol error
// that leaves the session untrustworthy return false; the caller drops the session.
import { ACT_DATA_IN, ACT_EVENT, EV_UNIT_ATTENTION, EV_TASK_MANAGEMENT_FAILED, EV_LUN_RESET, EV_LATE_PDU_DROPPED,
  ERR_NO_SLOT, ERR_SESSION_FULL, ERR_ABORTED_BY_LOGOUT, ERR_BAD_FIELD, ERR_BAD_CONN, S5_LOGGED_IN,
  S7_LOGOUT_REQUESTED, Q3_LOGGED_IN,
  K_IMMEDIATE_DATA, K_FIRST_BURST_LENGTH, K_MAX_RECV_DSL_TARGET, K_MAX_BURST_LENGTH,
  DIR_NONE, DIR_READ, DIR_WRITE, CMD_REPLAY, CMD_CHAIN, CMD_FOLLOWS, ERR_LEAVING, T_LOGGING_OUT, T_TARGET_FAILURE,
  T_TIMEOUT,
  T_ABORTED, T_PROTOCOL_ERROR, T_REJECTED, T_LUN_RESET, TD_UNDERFLOW, PE_R2T_BEYOND_BURST, PE_R2T_OUTSTANDING,
  PE_SHORT_DATA, UA_RETRIES } from "./codes";
import { act, txAlloc, roomToSend } from "./actions";
import { TX, IO, RX, be16, dataLength, be32, put32, snGt } from "./mem";
import { Conn, Session, Task, taskCap, tasksUsed, conn, sess, task, taskAlloc, taskFree, setTaskStage, taskByItt,
  taskByRef, taskItt, taskRef, ittWasAborted, nextItt, NONE, LS_NONE, LS_DRAINING, SF_RECOVERING, TF_REPLAY, TF_CHAIN,
  TS_QUEUED, TS_SENT, TS_ABORTING, TF_READ, TF_WRITE, TMF_NONE, TMF_ABORT, TMF_LUN_RESET } from "./records";
import { pduBegin, pduEnd, pduEndWithPayload, stamp } from "./send";
import { sessionParam } from "./keys";
import { taskEnd, taskAnswered, taskRelease, drainCheck } from "./tasks";
import { armTask, cancelTask } from "./timers";
import { OP_SCSI_CMD, OP_TMF_REQ, OP_DATA_OUT } from "./pdu";

// ---- starting a command
// LUN, single level (SAM-5 §4.7): peripheral addressing below 256, flat space up to 16383.
function lunWord(lun: u32): u32 { return lun < 256 ? lun << 16 : (0x4000 | lun) << 16; }

// The CDB (6 to 16 bytes, in IO) the host built for the command, the direction of its data and
// the Expected Data Transfer Length; false when they cannot go together.
function takeCdb(t: Task, how: u32, edtl: u32, cdbLen: u32): bool {
  const dir = how & ~(CMD_REPLAY | CMD_CHAIN | CMD_FOLLOWS);
  if (cdbLen < 6 || cdbLen > 16 || dir > DIR_WRITE || (edtl != 0) != (dir != DIR_NONE)) return false;
  memory.copy(t.cdb, IO, cdbLen);
  t.cdbLen = cdbLen; t.edtl = edtl;
  if (dir == DIR_READ) t.flags |= TF_READ; else if (dir == DIR_WRITE) t.flags |= TF_WRITE;
  if (how & CMD_REPLAY) t.flags |= TF_REPLAY;
  if (how & CMD_CHAIN) t.flags |= TF_CHAIN;
  return true;
}

// A caller's command that must first learn something (its LUN's block size) holds its place
// from the call on: a drain waits for it, and it is refused, counted or aborted as one command.
// ERR_LEAVING when the session takes no new command.
export function scsiHold(s: Session): i32 {
  if (s.lstate != LS_NONE) return ERR_LEAVING;
  if (!(s.flags & SF_RECOVERING) && (s.state != Q3_LOGGED_IN || s.conn == NONE)) return ERR_BAD_CONN;
  s.holds++;
  return 0;
}
// The held command will not be sent (its lookup failed); `aborted`: the logout ended the lookup.
export function scsiUnhold(s: Session, aborted: bool): void {
  if (s.holds == 0) return;
  s.holds--;
  if (aborted && s.lstate != LS_NONE) s.aborted++;
  drainCheck(s);
}

// The most task records one session may hold (commands in flight and aborted ones the target
// has not answered yet): half the adapter's pool unless init() says otherwise, so one session
// whose target stops answering cannot starve the others (docs/io.md).
let perSession: u32 = 0xFFFFFFFF;
export function scsiInit(limit: u32): void { perSession = limit; }

// Returns the task's reference (a command refused for a leaving session ends at once, in this
// call), or a negative ERR_*.
export function scsiCommand(si: i32, lun: u32, dir: u32, edtl: u32, cdbLen: u32, timeoutMs: u32): i32 {
  const s = sess(si);
  // The command its caller was holding a place for: the place is taken whatever happens next.
  const follows = (dir & CMD_FOLLOWS) != 0 && s.holds != 0;
  // A command whose place was held when an abort-policy logout began was in flight for that
  // logout: it ends as the logout's commands do, counted with them, and needs no record.
  if (follows && s.lstate != LS_NONE && s.lstate != LS_DRAINING) {
    s.holds--; s.aborted++; return ERR_ABORTED_BY_LOGOUT;
  }
  // A recovering session queues commands until it is reinstated (or given up).
  const recovering = (s.flags & SF_RECOVERING) != 0;
  if (!recovering && (s.state != Q3_LOGGED_IN || s.conn == NONE)) return ERR_BAD_CONN;
  if (lun > 16383 || timeoutMs > 0x7FFFFFFF) return ERR_BAD_FIELD;
  // Full (the session's share or the whole pool): the caller's held place stays held, so the
  // command can wait for a free one.
  if (s.held >= perSession) return ERR_SESSION_FULL;
  const t = taskAlloc(si);
  if (t == null) return ERR_NO_SLOT;
  if (follows) s.holds--;
  if (!takeCdb(t, dir, edtl, cdbLen)) { taskFree(t); return ERR_BAD_FIELD; }
  t.lunHi = lunWord(lun); t.lunLo = 0;
  t.itt = taskItt(t); t.timeoutMs = timeoutMs;
  s.tasks++;
  if (t.flags & TF_CHAIN) s.chained++;
  const ref = <i32>taskRef(t);
  // A session on its way out takes no new command, but for one its drain was waiting for.
  const st = recovering ? S5_LOGGED_IN : conn(<i32>s.conn).state;
  const draining = follows && s.lstate == LS_DRAINING;
  if ((s.lstate != LS_NONE && !draining) || (st != S5_LOGGED_IN && !(draining && st == S7_LOGOUT_REQUESTED))) {
    taskEnd(t, T_LOGGING_OUT, 0, false); return ref;
  }
  if (timeoutMs) armTask(t, timeoutMs);
  scsiPump(s);
  return ref;
}

@inline function windowOpen(s: Session): bool { return !snGt(s.cmdSN, s.maxCmdSN); }

// Sends queued commands of session s, oldest first (its queue, records.ts), while its command
// window is open.
export function scsiPump(s: Session): void {
  if (s.conn == NONE || s.qHead == NONE) return;
  const c = conn(<i32>s.conn);
  if (c.state != S5_LOGGED_IN) return;
  while (s.qHead != NONE && windowOpen(s)) sendCommand(c, s, task(<i32>s.qHead));
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
  setTaskStage(t, TS_SENT);
  if (imm) pduEndWithPayload(t, 0, imm); else pduEnd(0);
}

// ---- what the target sends for a command
// A PDU for an ITT we do not hold: an answer to a command whose abort already finished is
// dropped (the target may answer a task it was asked to abort); any other is a protocol error.
function stranger(s: Session, op: u32, itt: u32): bool {
  if (!ittWasAborted(itt)) return false;
  act(ACT_EVENT, <u32>s.index, EV_LATE_PDU_DROPPED, op, 0, 0);
  return true;
}

// A Data-In header (streamed): which task, and where its payload goes. dinTask -1: dropped.
export function dataInHeader(c: Conn, s: Session, p: usize): bool {
  c.dinTask = -1;
  const itt = be32(p + 16);
  const t = taskByItt(s.index, itt);
  if (t == null) return stranger(s, <u32>load<u8>(p) & 0x3F, itt);
  if (t.stage == TS_ABORTING) return true;
  const dsl = dataLength(p);
  const off = be32(p + 40);
  if (t.stage != TS_SENT || !(t.flags & TF_READ) || be32(p + 36) != t.expDataSN || off != t.dataIn ||
      <u64>off + <u64>dsl > <u64>t.edtl) return false;
  t.expDataSN++;
  c.dinTask = t.index; c.dinOffset = off;
  c.dinB1 = <u32>load<u8>(p, 1); c.dinStatus = <u32>load<u8>(p, 3); c.dinResidual = be32(p + 44);
  return true;
}
export function dataInPiece(c: Conn, p: usize, n: u32): void {
  if (c.dinTask < 0) return;
  const t = task(c.dinTask);
  act(ACT_DATA_IN, taskRef(t), <u32>(p - RX), n, c.dinOffset);
  c.dinOffset += n;
  t.dataIn += n;
}
// The end of a Data-In: with the S bit it carries the command's status.
export function dataInEnd(c: Conn): void {
  if (c.dinTask < 0 || !(c.dinB1 & 0x01)) return;
  const t = task(c.dinTask);
  c.dinTask = -1;
  answered(t, c.dinStatus, 0, c.dinB1 & 0x06, c.dinResidual, 0, 0);
}

// The target's status for a command. GOOD for a read vouches for every byte up to the transfer
// length less the residual: a read that got fewer never resolves over bytes nobody wrote.
function answered(t: Task, status: u32, response: u32, flags: u32, residual: u32, senseAt: u32, senseLen: u32): void {
  if ((t.flags & TF_READ) && status == 0 && response == 0) {
    const owed = t.edtl - (flags & TD_UNDERFLOW ? min(residual, t.edtl) : 0);
    if (t.dataIn < owed) { taskEnd(t, T_PROTOCOL_ERROR, PE_SHORT_DATA, false); return; }
  }
  taskAnswered(t, status, response, flags, residual, senseAt, senseLen);
}

// R2T: the burst it asks for is recorded and answered by the Data-Out pump, a bounded number of
// PDUs per call, so no R2T can ask for more work than one call may queue.
export function r2t(c: Conn, s: Session, p: usize): bool {
  const itt = be32(p + 16);
  const t = taskByItt(s.index, itt);
  if (t == null) return stranger(s, <u32>load<u8>(p) & 0x3F, itt);
  if (t.stage == TS_ABORTING) return true;
  const off = be32(p + 40), len = be32(p + 44);
  if (t.stage != TS_SENT || !(t.flags & TF_WRITE) || be32(p + 36) != t.r2tSN || len == 0 ||
      <u64>off + <u64>len > <u64>t.edtl) return false;
  t.r2tSN++;
  // RFC 7143 §13.13: a burst is at most MaxBurstLength; we offer MaxOutstandingR2T=1, so a
  // second R2T while the first is still being answered breaks the negotiation too. Either ends
  // that command (aborted on the wire), not the session.
  if (len > sessionParam(s, K_MAX_BURST_LENGTH)) { taskStop(t, T_PROTOCOL_ERROR, PE_R2T_BEYOND_BURST); return true; }
  if (t.burstAt != t.burstEnd) { taskStop(t, T_PROTOCOL_ERROR, PE_R2T_OUTSTANDING); return true; }
  t.burstTtt = be32(p + 20); t.burstAt = off; t.burstEnd = off + len; t.burstSN = 0;
  bursts = true;
  dataOutPump();
  return true;
}

// The Data-Out pump: sends what the bursts still owe while this call's queue has room for it
// and for one more peer PDU. Returns true when a burst still owes data (the host calls more()).
let bursts: bool = false;
export function dataOutPump(): bool {
  if (!bursts) return false;
  bursts = false;
  for (let i = 0; i < tasksUsed(); i++) {
    const t = task(i);
    if (t.burstAt == t.burstEnd) continue;
    const s = sess(t.sess);
    const st = t.stage == TS_SENT && s.conn != NONE ? conn(<i32>s.conn).state : 0;
    // Nothing goes out after our Logout, nor for a command that ended.
    if (st != S5_LOGGED_IN && st != S7_LOGOUT_REQUESTED) { t.burstAt = t.burstEnd; continue; }
    const c = conn(<i32>s.conn);
    const most = max<u32>(512, sessionParam(s, K_MAX_RECV_DSL_TARGET));
    while (t.burstAt < t.burstEnd) {
      if (!roomToSend()) { bursts = true; return true; }
      const at = t.burstAt, n = min(most, t.burstEnd - at);
      const q = pduBegin(c, 0);
      stamp(q, 0x05, at + n == t.burstEnd ? 0x80 : 0, t.itt, t.burstTtt, 0, c.expStatSN);
      put32(q + 8, t.lunHi); put32(q + 12, t.lunLo);
      put32(q + 36, t.burstSN++); put32(q + 40, at);
      pduEndWithPayload(t, at, n);
      t.burstAt = at + n;
    }
  }
  return false;
}

// SCSI Response: the command's status, residual and sense data.
export function scsiResponse(c: Conn, s: Session, p: usize, data: usize, dsl: u32): bool {
  const itt = be32(p + 16);
  const t = taskByItt(s.index, itt);
  if (t == null) return stranger(s, <u32>load<u8>(p) & 0x3F, itt);
  // The target's last word on a task ended for its caller, unless a LUN RESET is out for it: the
  // reset's answer is matched through this record, and it must still end the LUN's other commands.
  if (t.stage == TS_ABORTING) { if (t.tmf != TMF_LUN_RESET) taskRelease(t); return true; }
  if (t.stage != TS_SENT) return false;
  const response = <u32>load<u8>(p, 2), status = <u32>load<u8>(p, 3);
  let senseAt: u32 = 0, senseLen: u32 = 0;
  if (dsl >= 2) {
    senseLen = be16(data);
    if (senseLen + 2 > dataLength(p)) return false;
    // A long segment comes with its first MAX_RECV_DSL bytes (framer.ts); sense is at most 252.
    senseLen = min(senseLen, dsl - 2);
    const at = txAlloc(senseLen);
    if (at < 0) return false;
    memory.copy(TX + at, data + 2, senseLen);
    senseAt = <u32>at;
  }
  if (response != 0) { taskEnd(t, T_TARGET_FAILURE, response, false); return true; }
  // CHECK CONDITION with UNIT ATTENTION (sense key 6, fixed or descriptor format): the target
  // tells us something changed (power on, reset, LUN inventory, a reservation released); the
  // command is sent again. A target reports pending conditions one per command (SAM-5 §5.14),
  // and can hold several (tgtd after a reservation change): up to UA_RETRIES sends again.
  if (status == 0x02 && senseLen >= 3 && t.uaRetries < UA_RETRIES) {
    const code = <u32>load<u8>(data + 2) & 0x7F;
    const descriptor = code == 0x72 || code == 0x73;
    const key = <u32>load<u8>(data + 2 + (descriptor ? 1 : 2)) & 0x0F;
    if (key == 6) {
      const asc = senseLen >= 14 || descriptor ? <u32>load<u8>(data + 2 + (descriptor ? 2 : 12)) : 0;
      const ascq = senseLen >= 14 || descriptor ? <u32>load<u8>(data + 2 + (descriptor ? 3 : 13)) : 0;
      act(ACT_EVENT, <u32>s.index, EV_UNIT_ATTENTION, asc, ascq, 0);
      t.uaRetries++;
      t.dataIn = 0; t.expDataSN = 0; t.r2tSN = 0; t.burstAt = 0; t.burstEnd = 0;
      t.gen++; t.itt = taskItt(t);
      setTaskStage(t, TS_QUEUED);
      scsiPump(s);
      return true;
    }
  }
  answered(t, status, response, <u32>load<u8>(p, 1) & 0x06, be32(p + 44), senseAt, senseLen);
  return true;
}

// A Reject whose data is the header of a PDU of ours. A rejected SCSI Command gets nothing more
// from the target (RFC 7143 §11.17): it ends now, with the reason. A rejected task management
// request failed: the escalation goes on. Returns false when the session must be dropped.
export function scsiRejected(s: Session, reason: u32, hdr: usize): bool {
  const op = <u32>load<u8>(hdr) & 0x3F, itt = be32(hdr + 16);
  if (op == OP_SCSI_CMD) {
    const t = taskByItt(s.index, itt);
    // A LUN RESET out for it is matched through its record: that answer still ends it.
    if (t != null && !(t.stage == TS_ABORTING && t.tmf == TMF_LUN_RESET)) taskEnd(t, T_REJECTED, reason, false);
    return true;
  }
  if (op == OP_TMF_REQ) return tmfAnswered(s, itt, 255);
  // A rejected Data-Out leaves its command short of data the target will not ask for again at
  // ErrorRecoveryLevel 0: it ends rejected, and is aborted on the wire as the target may hold it.
  if (op == OP_DATA_OUT) {
    const t = taskByItt(s.index, itt);
    if (t != null) taskStop(t, T_REJECTED, reason);
  }
  return true;
}

// Task Management Function Response: the target's word on a task management request of ours.
export function tmfResponse(s: Session, p: usize): bool { return tmfAnswered(s, be32(p + 16), <u32>load<u8>(p, 2)); }

// Response 0 (Function complete) ends what the request was for. Any other answer (task does not
// exist, not supported, rejected, ...) leaves the task possibly running at the target
// (RFC 7143 §11.6.1), so the escalation goes on as open-iscsi's does: ABORT TASK, then LUN RESET,
// then the connection is dropped. Returns false for that last step.
function tmfAnswered(s: Session, itt: u32, response: u32): bool {
  let t: Task | null = null;
  for (let i = 0; i < tasksUsed() && t == null; i++) {
    const r = task(i);
    if (r.stage == TS_ABORTING && r.sess == s.index && r.abortItt == itt && r.tmf != TMF_NONE) t = r;
  }
  if (t == null) return true;                           // an answer to nothing we wait for
  if (response != 0) return tmfFailed(s, t, response);
  if (t.tmf == TMF_ABORT) { taskRelease(t); return true; }
  lunReset(s, t.lunHi, itt);
  return true;
}

// The task management request for t got no good answer (response; 256: none in time).
function tmfFailed(s: Session, t: Task, response: u32): bool {
  // Once our Logout is out, the logout's own end (response, timer, FIN) frees the task.
  const st = s.conn != NONE ? conn(<i32>s.conn).state : 0;
  if (st != S5_LOGGED_IN && st != S7_LOGOUT_REQUESTED) return true;
  act(ACT_EVENT, <u32>s.index, EV_TASK_MANAGEMENT_FAILED, t.tmf, response, 0);
  if (t.tmf == TMF_LUN_RESET) return false;
  tmfSend(t, TMF_LUN_RESET);
  return true;
}

// The LUN was reset: the target ended every task on it. Aborted ones are freed; those still live
// for their callers end lun-reset (no answer will come for them); queued ones were never sent.
function lunReset(s: Session, lunHi: u32, itt: u32): void {
  act(ACT_EVENT, <u32>s.index, EV_LUN_RESET, lunNumber(lunHi), 0, 0);
  for (let i = 0; i < tasksUsed(); i++) {
    const t = task(i);
    if (t.stage == 0 || t.sess != s.index || t.lunHi != lunHi) continue;
    if (t.stage == TS_ABORTING) taskRelease(t);
    // Ended, and its ITT remembered like an aborted one's: a late answer for it is dropped.
    else if (t.stage == TS_SENT) { taskEnd(t, T_LUN_RESET, 0, true); taskRelease(t); }
  }
}
function lunNumber(w: u32): u32 { return (w >> 16) & 0x3FFF; }

// Sends task management function fn (Immediate) for t and arms its answer timer. A LUN RESET
// already out for t's LUN is shared rather than sent twice. Sent on a connection still in full
// feature only: after our Logout nothing goes out, and the logout's own end frees the task.
function tmfSend(t: Task, fn: u32): void {
  const s = sess(t.sess);
  if (s.conn == NONE) return;
  const c = conn(<i32>s.conn);
  if (c.state != S5_LOGGED_IN && c.state != S7_LOGOUT_REQUESTED) return;
  if (fn == TMF_LUN_RESET) {
    for (let i = 0; i < tasksUsed(); i++) {
      const r = task(i);
      if (r.stage != TS_ABORTING || r.sess != s.index || r.tmf != TMF_LUN_RESET || r.lunHi != t.lunHi) continue;
      t.abortItt = r.abortItt; t.tmf = TMF_LUN_RESET; cancelTask(t);
      return;
    }
  }
  const p = pduBegin(c, 0);
  const itt = nextItt(s);
  stamp(p, 0x42, 0x80 | fn, itt, fn == TMF_ABORT ? t.itt : 0xFFFFFFFF, s.cmdSN, c.expStatSN);
  put32(p + 8, t.lunHi); put32(p + 12, t.lunLo);
  // RefCmdSN names the task to abort; ExpDataSN (36) is reserved but for TASK REASSIGN (§11.5).
  if (fn == TMF_ABORT) put32(p + 32, t.cmdSN);
  pduEnd(0);
  t.abortItt = itt; t.tmf = fn;
  armTask(t, s.tmfMs);
}

// ---- ending a command early
// The caller gave up (aborted), its time ran out or the target broke a rule for it: a command
// not sent yet just ends; a sent one ends for its caller now and is aborted on the wire.
function taskStop(t: Task, reason: u32, detail: u32): void {
  if (t.stage != TS_QUEUED && t.stage != TS_SENT) return;
  const sent = t.stage == TS_SENT;
  taskEnd(t, reason, detail, sent);
  if (sent) tmfSend(t, TMF_ABORT);
}
// The task's timer: the caller's deadline while it is live, else its task management request's.
// Returns false when the session must be dropped.
export function taskTimer(ti: i32): bool {
  if (ti < 0 || ti >= taskCap()) return true;
  const t = task(ti);
  if (t.stage == TS_QUEUED || t.stage == TS_SENT) { taskStop(t, T_TIMEOUT, 0); return true; }
  if (t.stage == TS_ABORTING && t.tmf != TMF_NONE) return tmfFailed(sess(t.sess), t, 256);
  return true;
}
export function taskAbort(ref: u32): void {
  const t = taskByRef(ref);
  if (t != null) taskStop(t, T_ABORTED, 0);
}
