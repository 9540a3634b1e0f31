// The module surface: numbers in, numbers out (docs/core.md). Every entry that can produce
// actions starts a fresh action queue, does its work, settles the operations it touched and
// returns how many actions it queued (-1 if the queue overflowed: a core bug).
import { RX, TX, TX_CAP, IO, IO_CAP, FIELDS, FIELDS_CAP, PAYLOAD, PAYLOAD_CAP } from "./mem";
import { ACT, ACT_CAP, ACT_WORDS, beginCall, actionCount, actionsQueued, act } from "./actions";
import { crcInit, crc32c } from "./crc32c";
import { pduInit, decodeBhs, encodeBhs } from "./pdu";
import { framerReset, framerFeed, framerConsumed, framerReserved, framerCut } from "./framer";
import { DATA_SEGMENT_MAX, RX_CAP, TIMER_CONN, TIMER_OP, TIMER_TASK, TIMER_DRAIN, TIMER_SESSION, TIMER_REPLACE,
  TIMER_RECONNECT, ERR_NO_SLOT,
  ERR_BAD_FIELD, ERR_BAD_CONN, ACT_MORE } from "./codes";
import { connNewRaw, connRelease, RAW_STATE, FSM_LOG, fsmLogCount, fsmLogCap, fsmRows, fsmRow } from "./fsm";
import { recordsInit, connCap, sessionCap, sessionsUsed, taskCap, conn, connLive, connLingering, sess, sessLive,
  targetAlloc, NONE, FL_RAW } from "./records";
import { sessionParam as keyValue } from "./keys";
import { loginStart, loginTransportUp, chapAnswer as chapAnswerIn, chapExpected as chapExpectedIn } from "./login";
import { logoutStart, opCancel, opDeadline, opDrainDeadline, opStatus, opPercent, opTotal, settle } from "./operation";
import { scsiCommand, scsiInit, scsiHold, scsiUnhold, taskAbort, dataOutPump } from "./scsi";
import { taskTimerFired, askedLimit } from "./ffp";
import { recoveryInit, recoveryAttempt, replaceTimer } from "./recovery";
import { connInit, connData, connLost, connTimer } from "./conn";

crcInit();
pduInit();
connInit();
recoveryInit();

// Sizes the tables (records.ts) once, before any other call: `sessions` sessions and `tasks`
// SCSI commands in flight, of which one session may hold `perSession` (0: half of them).
// Memory grows now and never again; the host makes its views after.
// Returns 0, or ERR_BAD_FIELD when the limits are out of range or the memory cannot grow.
export function init(sessions: i32, tasks: i32, perSession: i32): i32 {
  if (perSession < 0 || perSession > tasks || !recordsInit(sessions, tasks)) return ERR_BAD_FIELD;
  scsiInit(perSession == 0 ? <u32>max(1, tasks / 2) : <u32>perSession);
  return 0;
}
export function maxSessions(): i32 { return sessionCap(); }
export function maxTasks(): i32 { return taskCap(); }
export function rxPtr(): usize { return RX; }
export function rxCap(): u32 { return RX_CAP; }
export function txPtr(): usize { return TX; }
export function txCap(): u32 { return TX_CAP; }
export function ioPtr(): usize { return IO; }
export function ioCap(): u32 { return IO_CAP; }
export function actPtr(): usize { return ACT; }
export function actCap(): u32 { return <u32>ACT_CAP; }
export function actWords(): u32 { return <u32>ACT_WORDS; }
export function fieldsPtr(): usize { return FIELDS; }
export function fieldsCap(): u32 { return FIELDS_CAP; }
// The state machines' table and the log of transitions taken (core/fsm.ts), for tests and docs.
export function transitionRows(): i32 { return fsmRows(); }
export function transitionRow(i: i32, field: i32): u32 { return fsmRow(i, field); }
export function transitionLogPtr(): usize { return FSM_LOG; }
export function transitionLogCap(): u32 { return fsmLogCap(); }
export function transitionLogCount(): u32 { return fsmLogCount(); }

// A session's connection (not a raw framing one) that is still in use.
@inline function sessionConn(c: i32): bool { return connLive(c) && conn(c).sess >= 0; }
// ... or one that lingers after its session logged out: its bytes, its end and its grace timer
// still come (each closes it).
@inline function machineConn(c: i32): bool { return sessionConn(c) || (connLive(c) && connLingering(conn(c))); }
// The end of every entry call that can produce actions: operations settle, then Data-Out owed to
// R2Ts goes out as far as this call's queue allows; ACT_MORE asks the host for another call.
@inline function done(): i32 {
  settle();
  if (dataOutPump()) act(ACT_MORE);
  return actionCount();
}

// ---- codec, digests and raw framing (tests, benchmarks, fixtures)
export function crc(len: u32): u32 { return crc32c(RX, len); }
export function decode(): i32 { return decodeBhs(RX); }
export function encode(): i32 { return encodeBhs(TX); }
@inline function rawLive(c: i32): bool { return connLive(c) && conn(c).state == RAW_STATE; }
// limit: the MaxRecvDataSegmentLength to frame against; above MAX_RECV_DSL a data segment is cut
// to its first MAX_RECV_DSL bytes, as on a session in full feature.
export function rawOpen(flags: u32, limit: u32): i32 {
  if (limit > DATA_SEGMENT_MAX) return ERR_BAD_FIELD;     // refused, never clamped
  const c = connNewRaw();
  if (c == null) return ERR_NO_SLOT;
  framerReset(c, flags | FL_RAW, limit);
  return c.index;
}
export function rawFeed(c: i32, len: u32): i32 { return rawLive(c) ? framerFeed(conn(c), RX, len) : ERR_BAD_CONN; }
export function rawChecksum(c: i32): u32 { return rawLive(c) ? conn(c).rxSum : 0; }
export function rawCount(c: i32): u32 { return rawLive(c) ? conn(c).rxCount : 0; }
export function rawPending(c: i32): u32 { return rawLive(c) ? conn(c).rxHave : 0; }
export function rawClose(c: i32): void { if (rawLive(c)) connRelease(conn(c)); }

// ---- diagnostics, counted since init() over every connection (docs/core.md)
// PDUs received with a reserved bit or byte set: ignored (RFC 7143 §11), not an error.
export function reservedIgnored(): u32 { return framerReserved(); }
// PDUs whose data segment was longer than MAX_RECV_DSL: handed on with its first MAX_RECV_DSL bytes.
export function dataSegmentsCut(): u32 { return framerCut(); }

// ---- targets and sessions (read-only views for the host's queries)
export function targetNew(): i32 { return targetAlloc(); }
export function targetSessions(t: i32): i32 {
  let n = 0;
  for (let i = 0; i < sessionsUsed(); i++) if (sess(i).state != 0 && sess(i).target == <u32>t) n++;
  return n;
}
export function sessionState(s: i32): u32 { return sessLive(s) ? sess(s).state : 0; }
export function sessionTsih(s: i32): u32 { return sessLive(s) ? sess(s).tsih : 0; }
export function sessionConnState(s: i32): u32 {
  if (!sessLive(s) || sess(s).conn == NONE) return 0;
  return conn(<i32>sess(s).conn).state;
}
export function sessionParam(s: i32, k: u32): u32 { return sessLive(s) ? keyValue(sess(s), k) : 0xFFFFFFFF; }
export function connState(c: i32): u32 { return c >= 0 && c < connCap() ? conn(c).state : 0; }
export function connSession(c: i32): i32 { return connLive(c) ? conn(c).sess : -1; }

// ---- user requests
// LoginToTarget or discovery (flags: LOGIN_* in codes.ts; parameters as TLVs in IO).
// Returns the operation slot, or ERR_NO_SLOT.
export function login(target: i32, auth: u32, flags: u32, connectMs: u32, loginMs: u32, ioLen: u32): i32 {
  beginCall();
  const o = loginStart(target, auth, flags, connectMs, loginMs, ioLen);
  done();
  return o;
}
export function logout(target: i32, logoutMs: u32, concurrency: u32, deadlineMs: u32, graceMs: u32, policy: u32,
    drainMs: u32): i32 {
  beginCall();
  const o = logoutStart(target, logoutMs, concurrency, deadlineMs, graceMs, policy, drainMs);
  done();
  return o;
}
export function cancel(o: i32): u32 {
  beginCall();
  const hr = opCancel(o);
  done();
  return hr;
}
export function status(o: i32): u32 { return opStatus(o); }
export function percent(o: i32): u32 { return opPercent(o); }
export function total(o: i32): u32 { return opTotal(o); }
export function actions(): i32 { return actionCount(); }
// After a call that overflowed (-1, a core defect): the actions that made it into the queue.
export function queued(): i32 { return actionsQueued(); }

// ---- transport and timer events
export function up(c: i32): i32 {
  beginCall();
  if (sessionConn(c)) loginTransportUp(conn(c));
  return done();
}
// Frames RX[0, len) for connection c. consumed() then says how many bytes were taken: fewer
// than len only when the action queue filled up; the host drains it and feeds the rest.
export function data(c: i32, len: u32): i32 {
  beginCall();
  consumedLast = len;
  if (machineConn(c)) { connData(c, RX, len); consumedLast = framerConsumed(); }
  return done();
}
let consumedLast: u32 = 0;
export function consumed(): u32 { return consumedLast; }
export function lost(c: i32, connectFailed: u32): i32 {
  beginCall();
  if (machineConn(c)) connLost(c, connectFailed != 0);
  return done();
}
export function timer(id: u32): i32 {
  beginCall();
  const kind = id >> 16, slot = <i32>(id & 0xFFFF);
  if (kind == TIMER_CONN && machineConn(slot)) connTimer(slot);
  else if (kind == TIMER_OP) opDeadline(slot);
  else if (kind == TIMER_TASK) taskTimerFired(slot);
  else if (kind == TIMER_DRAIN) opDrainDeadline(slot);
  else if (kind == TIMER_SESSION) askedLimit(slot);
  else if (kind == TIMER_REPLACE) replaceTimer(slot);
  else if (kind == TIMER_RECONNECT) recoveryAttempt(slot);
  return done();
}
export function chapAnswer(c: i32, len: u32): i32 {
  beginCall();
  if (sessionConn(c)) chapAnswerIn(conn(c), len);
  return done();
}
export function chapExpected(c: i32, len: u32): i32 {
  beginCall();
  if (sessionConn(c)) chapExpectedIn(conn(c), len);
  return done();
}

// ---- SCSI commands (docs/io.md)
// Starts a SCSI command on session s: the CDB is IO[0, cdbLen), its data goes `dir` (DIR_*),
// edtl bytes of it. Returns the task's reference (the `task` of its actions; its end comes as
// ACT_TASK_DONE, maybe in this same call) or a negative ERR_*.
export function command(s: i32, lun: u32, dir: u32, edtl: u32, cdbLen: u32, timeoutMs: u32): i32 {
  beginCall();
  const t = sessLive(s) ? scsiCommand(s, lun, dir, edtl, cdbLen, timeoutMs) : ERR_BAD_CONN;
  done();
  return t;
}
// The caller gave up on the task `ref` names: it ends now (aborted), and a sent one is aborted
// on the wire. A reference to a command that already ended does nothing.
export function abortTask(ref: u32): i32 {
  beginCall();
  taskAbort(ref);
  return done();
}
// The host asks for the rest of what an earlier call could not queue (after ACT_MORE).
export function more(): i32 {
  beginCall();
  return done();
}
// Commands in flight as their callers count them: a lookup and the command waiting for it are one.
export function sessionTasks(s: i32): u32 { return sessLive(s) ? sess(s).tasks - sess(s).chained + sess(s).holds : 0; }
// A caller's command waits for a lookup first (docs/io.md): its place is held from now. 0 or ERR_*.
export function hold(s: i32): i32 { return sessLive(s) ? scsiHold(sess(s)) : ERR_BAD_CONN; }
// The held command will not be sent; aborted != 0 when the logout ended its lookup.
export function unhold(s: i32, aborted: u32): i32 {
  beginCall();
  if (sessLive(s)) scsiUnhold(sess(s), aborted != 0);
  return done();
}
// The data digest of PAYLOAD[0, len) (a Data-Out's bytes and padding, which the host copied in).
export function payloadDigest(len: u32): u32 { return len <= PAYLOAD_CAP ? crc32c(PAYLOAD, len) : 0; }
export function payloadPtr(): usize { return PAYLOAD; }
export function payloadCap(): u32 { return PAYLOAD_CAP; }

// XOR of the CRC32C of each `block`-byte block in RX[0..len): the digest loop with one call per batch.
export function crcBlocks(len: u32, block: u32): u32 {
  let x: u32 = 0;
  if (block == 0) return 0;
  for (let at: u32 = 0; at + block <= len; at += block) x ^= crc32c(RX + at, block);
  return x;
}
