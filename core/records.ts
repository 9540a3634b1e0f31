// State lives in records: one per connection, session, operation, target and SCSI task, laid
// out as @unmanaged classes in pools that init() sizes from the caller's limits and places
// above the static data, once (memory grows then and never again). Each record starts with the
// fields set once at init (its index and the addresses of its buffers); everything after
// `state` is zeroed by one reset, so a field added later cannot be forgotten.
import { MAX_TASKS, MAX_SESSIONS_LIMIT, MAX_RECV_DSL, K_COUNT, S1_FREE, Q1_FREE, TMF_DEFAULT_MS,
  LOGIN_HEADER_DIGEST, LOGIN_DATA_DIGEST, LOGIN_HEADER_DIGEST_PREFER, LOGIN_DATA_DIGEST_PREFER,
  TAG_NONE } from "./codes";

export const NONE: u32 = 0xFFFFFFFF;

// ---- connections
@unmanaged export class Conn {
  index: i32;
  rxBuf: usize;        // reassembly buffer for a PDU that straddles socket chunks
  gen: u32;            // bumped at every allocation: the framer notices its slot was reused
  state: u32;          // 0 unused, else S1..S8 (RFC 7143 §8.1)
  sess: i32;
  expStatSN: u32;
  timerKind: u32;      // what the connection timer means now (CT_*)
  step: u32;           // STEP_*: where a login (S4) or a discovery's text exchange (S5) stands
  itt: u32;            // ITT of the request we await
  cid: u32;
  rxHave: u32;         // framer: bytes held in rxBuf
  rxNeed: u32;         // framer: whole length of the PDU being reassembled
  rxLimit: u32;        // our MaxRecvDataSegmentLength on this connection
  rxFlags: u32;        // FL_*
  rxSum: u32;          // raw framing only: checksum and count of PDUs (tests, benchmarks)
  rxCount: u32;
  sLeft: u32;          // a streamed Data-In: payload bytes still to come,
  sPad: u32;           // ... padding bytes after them,
  sDigestLeft: u32;    // ... data digest bytes still to collect,
  sDigest: u32;        // ... the digest collected so far,
  sCrc: u32;           // ... and the running CRC32C over payload and padding
  dinTask: i32;        // the task a streamed Data-In belongs to (-1: discarded)
  dinB1: u32;          // its byte 1 (F, O, U, S), status byte and residual count
  dinStatus: u32;
  dinResidual: u32;
  dinOffset: u32;      // where the next payload byte goes in the task's buffer
}
// One numbering for the steps of a connection's exchanges: login (S4), then discovery (S5).
export const STEP_NONE: u32 = 0;
export const STEP_SEC_NONE: u32 = 1;
export const STEP_SEC_OFFER: u32 = 2;
export const STEP_CHAP_A: u32 = 3;
export const STEP_CHAP_WAIT_HASH: u32 = 4;
export const STEP_CHAP_R: u32 = 5;
export const STEP_CHAP_WAIT_VERIFY: u32 = 6;
export const STEP_OPERATIONAL: u32 = 7;
export const STEP_SEND_TARGETS: u32 = 8;
export const FL_HDIGEST: u32 = 1;
export const FL_DDIGEST: u32 = 2;
export const FL_STOPPED: u32 = 4;
export const FL_RAW: u32 = 8;        // no session behind it: fold PDUs into a checksum
export const FL_ANY_DIR: u32 = 16;   // raw only: accept initiator PDUs as well (fixtures)
export const FL_STREAM: u32 = 32;    // Data-In payload is streamed to the task, not reassembled
export const FL_PAYLOAD: u32 = 64;   // in the middle of a streamed payload
export const FL_SKIP: u32 = 128;     // ... of the part of a long data segment that is not kept (framer.ts)

export const RXBUF_SIZE: u32 = 48 + 1020 + 4 + MAX_RECV_DSL + 4;
const CONN_SIZE: usize = offsetof<Conn>();
let CONNS: usize = 0;
let nConns: i32 = 0;
@inline export function connCap(): i32 { return nConns; }
// Each pool's high-water mark: no record at or above it has ever been taken, so a scan over live
// records stops there. Slots are taken lowest first, so it stays near the most ever live at once:
// with one session, a logout no longer reads a thousand session and operation records (that
// was half of one Logout's time in the engine under Node, bench/RESULTS.md).
let connHigh: i32 = 0;
@inline export function connsUsed(): i32 { return connHigh; }

@inline export function conn(c: i32): Conn { return changetype<Conn>(CONNS + <usize>c * CONN_SIZE); }
@inline export function connLive(c: i32): bool { return c >= 0 && c < nConns && conn(c).state != 0; }
// A connection whose session logged out (T13) and ended: it belongs to no session while the
// target gets its grace to close first (docs/logout.md); FIN, any byte or the timer closes it.
@inline export function connLingering(c: Conn): bool { return c.sess < 0 && c.state == S1_FREE; }

export function connAlloc(s: i32): Conn | null {
  for (let i = 0; i < nConns; i++) {
    const r = conn(i);
    if (r.state != 0) continue;
    if (i >= connHigh) connHigh = i + 1;
    const at = changetype<usize>(r) + offsetof<Conn>("state");
    memory.fill(at, 0, CONN_SIZE - offsetof<Conn>("state"));
    r.gen++;
    r.sess = s; r.itt = NONE; r.cid = 1; r.rxLimit = MAX_RECV_DSL;
    return r;
  }
  return null;
}
// The state is fsm.ts's: it sets the first state at once (connNew) and 0 on release.
export function connFree(r: Conn): void { r.timerKind = 0; }

// ---- sessions
@unmanaged export class Session {
  index: i32;
  strs: usize;         // STR_COUNT length-prefixed names (public, never secrets), STR_SIZE bytes each
  random: usize;       // 32 bytes of host randomness: ISID, CHAP_I, CHAP_C
  peerR: usize;        // the target's CHAP_R (mutual), length-prefixed
  carry: usize;        // text split across responses (C bit): login gathers it whole, discovery a pair
  keys: usize;         // negotiated operational keys, K_COUNT u32 values
  state: u32;          // 0 unused, else Q1/Q3/Q4 (RFC 7143 §8.3)
  target: u32;
  conn: u32;
  tsih: u32;
  cmdSN: u32;
  expCmdSN: u32;
  maxCmdSN: u32;
  nextItt: u32;
  op: u32;             // the operation acting on it, or NONE
  lstate: u32;         // logout progress, LS_*
  flags: u32;          // SF_*
  auth: u32;
  redirects: u32;
  loginMs: u32;
  connectMs: u32;
  result: u32;         // reason decided for its teardown
  time2Wait: u32;
  time2Retain: u32;
  logoutMs: u32;
  graceMs: u32;
  keepaliveMs: u32;    // NOP-Out ping interval; 0 = off
  noopWaitMs: u32;     // ... and how long its answer may take
  chapAlg: u32;
  chapNext: u32;       // mutual CHAP: the response flags to continue with once verified
  tasks: u32;          // commands in flight for their callers (queued or sent)
  taskSeq: u32;        // creation counter for tasks
  qHead: u32;          // its commands waiting for the command window, oldest first (Task.qNext), or NONE
  qTail: u32;          // ... and the newest of them
  drained: u32;        // commands that ended on their own while the session was leaving
  aborted: u32;        // commands the logout ended (aborted-by-logout)
  busyIn: u32;         // 1 + the operation that refused it as busy (a join does not take it again)
  textPending: u32;    // discovery: a Text Request waits for the command window to open
  textTtt: u32;        // ... echoing this Target Transfer Tag (0xFFFFFFFF: the first request)
  held: u32;           // task records it holds: commands in flight and aborted ones not yet answered
  tmfMs: u32;          // how long a task management request waits for its answer
  portalTag: u32;      // the TargetPortalGroupTag the target must declare (discovery's), or TAG_NONE: not checked
  replaceMs: u32;      // recovery (docs/io.md): how long it may take; 0 = none, the session ends with its connection
  delayMin: u32;       // ... the first and the longest wait between reinstatement attempts,
  delayMax: u32;
  attemptsMax: u32;    // ... the most attempts (0: as many as the replacement time allows),
  attempts: u32;       // ... those made so far,
  jitter: u32;         // ... and a xorshift32 state, seeded from the host's randomness
  portalAt: u32;       // the portal (index into STR_PORTALS) of the current connection
  holds: u32;          // callers' commands waiting for their lookup (hold()); a drain waits for them too
  chained: u32;        // lookups in flight for such commands (CMD_CHAIN): the caller sees them as one command
}
export const STR_SIZE: u32 = 256;
export const STR_INITIATOR: u32 = 0;
export const STR_TARGET: u32 = 1;
export const STR_CHAP_USER: u32 = 2;
export const STR_CHAP_TARGET_USER: u32 = 3;
export const STR_PORTALS: u32 = 4;   // NUL-separated host:port texts to reinstate at
export const STR_COUNT: u32 = 5;
export const PEER_R_CAP: u32 = 60;
export const TEXT_CAP: u32 = 4096;

export const SF_HDIGEST: u32 = LOGIN_HEADER_DIGEST;  // the caller asked for them (login() flags kept as they are)
export const SF_DDIGEST: u32 = LOGIN_DATA_DIGEST;
export const SF_HPREFER: u32 = LOGIN_HEADER_DIGEST_PREFER;  // the caller would take them (login() flags as well)
export const SF_DPREFER: u32 = LOGIN_DATA_DIGEST_PREFER;
export const SF_DISCOVERY: u32 = 4;
export const SF_HD_ON: u32 = 8;     // negotiated and active
export const SF_DD_ON: u32 = 16;
export const SF_ASKED: u32 = 64;    // the target asked it to log out: it drains, then logs out on its own
export const SF_ASK_TIMER: u32 = 128; // ... with TIMER_SESSION armed as the limit
export const SF_RECOVERING: u32 = 0x1000; // its connection failed; reinstating (TIMER_REPLACE, TIMER_RECONNECT armed)
// bits 8..11: the CHAP algorithms the caller allows (see login.ts)

export const LS_NONE: u32 = 0;
export const LS_PENDING: u32 = 1;   // in a logout operation, Logout not yet sent
export const LS_SENT: u32 = 2;
export const LS_FINISHED: u32 = 3;
export const LS_DRAINING: u32 = 4;  // in a logout operation, waiting for its commands to end first

const SESS_SIZE: usize = offsetof<Session>();
// What one session holds beside its record: names, randomness, the target's CHAP_R, text in
// transit, negotiated keys.
const SESS_BUFS: usize = <usize>STR_COUNT * <usize>STR_SIZE + 32 + (<usize>PEER_R_CAP + 4) + (<usize>TEXT_CAP + 4) +
  <usize>K_COUNT * 4;
let SESSIONS: usize = 0;
let nSessions: i32 = 0;
@inline export function sessionCap(): i32 { return nSessions; }
let sessHigh: i32 = 0;
@inline export function sessionsUsed(): i32 { return sessHigh; }

@inline export function sess(s: i32): Session { return changetype<Session>(SESSIONS + <usize>s * SESS_SIZE); }
@inline export function sessLive(s: i32): bool { return s >= 0 && s < nSessions && sess(s).state != 0; }

export function sessAlloc(): Session | null {
  for (let i = 0; i < nSessions; i++) {
    const r = sess(i);
    if (r.state != 0) continue;
    if (i >= sessHigh) sessHigh = i + 1;
    const at = changetype<usize>(r) + offsetof<Session>("state");
    memory.fill(at, 0, SESS_SIZE - offsetof<Session>("state"));
    r.conn = NONE; r.target = NONE; r.op = NONE; r.portalTag = TAG_NONE; r.qHead = NONE; r.qTail = NONE;
    r.cmdSN = 1; r.expCmdSN = 1; r.maxCmdSN = 1; r.nextItt = 1;
    r.logoutMs = 15000; r.graceMs = 1000; r.tmfMs = TMF_DEFAULT_MS;
    store<u32>(r.carry, 0);
    return r;
  }
  return null;
}

export function strPtr(r: Session, which: u32): usize { return r.strs + <usize>which * STR_SIZE; }
export function strLen(r: Session, which: u32): u32 { return load<u16>(strPtr(r, which)); }
export function strData(r: Session, which: u32): usize { return strPtr(r, which) + 2; }

export function nextItt(r: Session): u32 {
  let itt = r.nextItt;
  if (itt == NONE) itt = 1;
  r.nextItt = itt + 1;
  return itt;
}

// ---- SCSI tasks (docs/io.md): one per command, from the call that starts it until the
// target's last word on it (a task ended early for its caller stays ABORTING until then, or
// until task management escalation ends it).
@unmanaged export class Task {
  index: i32;
  cdb: usize;          // 16 bytes
  gen: u32;            // bumped at every ITT it takes: part of the ITT, so a stale ITT never matches
  serial: u32;         // bumped at every allocation: with the slot, the handle the host holds (taskRef)
  endedItt: u32;       // the ITT of the last aborted command this slot held: its late answers are dropped
  stage: u32;          // 0 free, TS_* (a task has stages; connections and sessions have states, fsm.ts)
  sess: i32;
  itt: u32;
  cmdSN: u32;
  seq: u32;            // creation order within its session: queued tasks go out in this order
  lunHi: u32;          // LUN bytes 8..15 of the BHS, as two big-endian words
  lunLo: u32;
  flags: u32;          // TF_*
  edtl: u32;           // Expected Data Transfer Length
  cdbLen: u32;
  dataIn: u32;         // Data-In bytes received so far (always in order)
  expDataSN: u32;
  r2tSN: u32;          // next R2TSN expected
  timeoutMs: u32;
  abortItt: u32;       // the ITT of the task management request that ends it (ABORT TASK, then LUN RESET), or NONE
  tmf: u32;            // which one is out: TMF_NONE, TMF_ABORT, TMF_LUN_RESET
  burstTtt: u32;       // the R2T being answered: its Target Transfer Tag,
  burstAt: u32;        // ... the next offset to send,
  burstEnd: u32;       // ... where the burst ends (burstAt == burstEnd: nothing left to send),
  burstSN: u32;        // ... and the next DataSN within it
  uaRetries: u32;      // times sent again after a UNIT ATTENTION
  qPrev: u32;          // its neighbours in its session's queue while TS_QUEUED (setTaskStage), else NONE
  qNext: u32;
}
export const TS_QUEUED: u32 = 1;     // waiting for the command window
export const TS_SENT: u32 = 2;
export const TS_ABORTING: u32 = 3;   // ended for its caller; what the target still sends for it is dropped
export const TF_READ: u32 = 1;
export const TF_WRITE: u32 = 2;
export const TF_STATUS: u32 = 8;     // the status came with the last Data-In (S bit)
export const TF_REPLAY: u32 = 16;    // may be sent again on a reinstated session (CMD_REPLAY)
export const TF_CHAIN: u32 = 32;     // a lookup for a caller's command (CMD_CHAIN): not counted on its own
export const TMF_NONE: u32 = 0;
export const TMF_ABORT: u32 = 1;     // function 1, ABORT TASK
export const TMF_LUN_RESET: u32 = 5; // function 5, LOGICAL UNIT RESET

const TASK_SIZE: usize = offsetof<Task>();
let TASKS: usize = 0;
let nTasks: i32 = 0;
@inline export function taskCap(): i32 { return nTasks; }
let taskHigh: i32 = 0;
@inline export function tasksUsed(): i32 { return taskHigh; }
@inline export function task(t: i32): Task { return changetype<Task>(TASKS + <usize>t * TASK_SIZE); }
export function taskAlloc(s: i32): Task | null {
  for (let i = 0; i < nTasks; i++) {
    const r = task(i);
    if (r.stage != 0) continue;
    if (i >= taskHigh) taskHigh = i + 1;
    const at = changetype<usize>(r) + offsetof<Task>("stage");
    memory.fill(at, 0, TASK_SIZE - offsetof<Task>("stage"));
    r.gen++; r.serial++;
    r.sess = s; r.abortItt = NONE; r.qPrev = NONE; r.qNext = NONE;
    r.seq = sess(s).taskSeq++;                         // the newest: it joins its queue at the tail
    setTaskStage(r, TS_QUEUED);
    memory.fill(r.cdb, 0, 16);
    sess(s).held++;
    return r;
  }
  return null;
}
// The record goes back to the pool; an aborted command leaves its ITT behind, so an answer the
// target still sends for it is recognised as late, not as a stranger.
export function taskFree(r: Task): void {
  if (r.stage == 0) return;
  if (r.stage == TS_ABORTING) r.endedItt = r.itt;
  setTaskStage(r, 0);
  const s = sess(r.sess);
  if (s.held) s.held--;
}
// Every change of a task's stage goes through here, so each session's queue of commands waiting
// for the command window (qHead..qTail, in creation order) holds exactly its TS_QUEUED tasks: the
// pump takes the oldest without a scan of every task record (that scan showed in read profiles).
export function setTaskStage(t: Task, v: u32): void {
  if (t.stage == TS_QUEUED && v != TS_QUEUED) unqueue(t);
  else if (t.stage != TS_QUEUED && v == TS_QUEUED) enqueue(t);
  t.stage = v;
}
// Oldest first: from the tail back past every newer one (a new command is the newest, so O(1);
// one queued again after a UNIT ATTENTION or a reinstatement goes back to its place).
function enqueue(t: Task): void {
  const s = sess(t.sess);
  let after = s.qTail;
  while (after != NONE && <i32>(task(<i32>after).seq - t.seq) > 0) after = task(<i32>after).qPrev;
  t.qPrev = after;
  t.qNext = after == NONE ? s.qHead : task(<i32>after).qNext;
  if (t.qNext != NONE) task(<i32>t.qNext).qPrev = <u32>t.index; else s.qTail = <u32>t.index;
  if (after != NONE) task(<i32>after).qNext = <u32>t.index; else s.qHead = <u32>t.index;
}
function unqueue(t: Task): void {
  const s = sess(t.sess);
  if (t.qPrev != NONE) task(<i32>t.qPrev).qNext = t.qNext; else s.qHead = t.qNext;
  if (t.qNext != NONE) task(<i32>t.qNext).qPrev = t.qPrev; else s.qTail = t.qPrev;
  t.qPrev = NONE; t.qNext = NONE;
}

// A task's ITT: the top bit keeps it apart from the session's other ITTs (login, NOP, Logout),
// the low 12 bits are its slot and the rest its generation.
export function taskItt(r: Task): u32 { return 0x80000000 | ((r.gen & 0x7FFFF) << 12) | <u32>r.index; }
export function taskByItt(s: i32, itt: u32): Task | null {
  if (!(itt & 0x80000000)) return null;
  const i = <i32>(itt & 0xFFF);
  if (i >= nTasks) return null;
  const r = task(i);
  return r.stage != 0 && r.sess == s && r.itt == itt ? r : null;
}
// An ITT that belonged to an aborted command whose record is gone.
export function ittWasAborted(itt: u32): bool {
  if (!(itt & 0x80000000)) return false;
  const i = <i32>(itt & 0xFFF);
  return i < nTasks && task(i).endedItt == itt;
}
// What the host holds for a command: its slot and the allocation it belongs to, so a reference
// that outlives its command never reaches the command that reused the slot.
export function taskRef(r: Task): u32 { return ((r.serial & 0x7FFFF) << 12) | <u32>r.index; }
export function taskByRef(ref: u32): Task | null {
  const i = <i32>(ref & 0xFFF);
  if (i >= nTasks) return null;
  const r = task(i);
  return r.stage != 0 && taskRef(r) == ref ? r : null;
}

// ---- operations (the IVdsAsync behind a handle)
@unmanaged export class Operation {
  index: i32;
  type: u32;           // 0 free, else ASYNC_*
  finished: u32;
  hr: u32;
  total: u32;          // sessions in a logout
  done: u32;           // sessions that reached their end
  ok: u32;             // ... logged out
  cancelled: u32;
  timedOut: u32;
  target: u32;
  concurrency: u32;
  sess: u32;           // the session a login or discovery works on
  percent: u32;
  dirty: u32;          // a session ended inside this call: settle() has accounting to do
  holders: u32;        // callers sharing a logout (its starter and those who joined it)
  inflightPolicy: u32; // INFLIGHT_*: what its sessions do with commands in flight
  logoutMs: u32;       // what its sessions get: the wait for the Logout Response, the FIN grace,
  graceMs: u32;
  drainMs: u32;        // ... and the drain deadline (armed once, drainArmed)
  drainArmed: u32;
  cancelVotes: u32;    // ... of whom asked to cancel
  onWire: u32;         // its sessions in LS_SENT: kept by setLogoutState, read by pump() against the cap
  nextPending: u32;    // no session below this index is LS_PENDING in it: where pump() looks first
}
const OP_SIZE: usize = offsetof<Operation>();
let OPS: usize = 0;
let nOps: i32 = 0;
@inline export function opCap(): i32 { return nOps; }
let opHigh: i32 = 0;
@inline export function opsUsed(): i32 { return opHigh; }

@inline export function op(o: i32): Operation { return changetype<Operation>(OPS + <usize>o * OP_SIZE); }
@inline export function opLive(o: i32): bool { return o >= 0 && o < nOps && op(o).type != 0; }

export function opAlloc(type: u32): Operation | null {
  for (let i = 0; i < nOps; i++) {
    const r = op(i);
    if (r.type != 0) continue;
    if (i >= opHigh) opHigh = i + 1;
    const at = changetype<usize>(r) + offsetof<Operation>("type");
    memory.fill(at, 0, OP_SIZE - offsetof<Operation>("type"));
    r.type = type; r.target = NONE; r.concurrency = 64; r.sess = NONE; r.holders = 1;
    return r;
  }
  return null;
}

// An operation with accounting to do before the entry call returns (operation.ts settle()).
let anyDirty: bool = false;
// Every change of a session's logout progress goes through here, so the count of an operation's
// Logouts on the wire and where its next pending session may be are kept with the sessions
// themselves: pump() needs no scan of every session per Logout Response (it showed in profiles
// of LogoutFromTarget at 256 and 1,024 sessions).
export function setLogoutState(s: Session, v: u32): void {
  if (s.op != NONE && opLive(<i32>s.op)) {
    const r = op(<i32>s.op);
    if (s.lstate == LS_SENT && r.onWire > 0) r.onWire--;
    if (v == LS_SENT) r.onWire++;
    if (v == LS_PENDING && <u32>s.index < r.nextPending) r.nextPending = <u32>s.index;
  }
  s.lstate = v;
}

export function markDirty(o: i32): void { op(o).dirty = 1; anyDirty = true; }
export function takeDirty(): bool { const d = anyDirty; anyDirty = false; return d; }
// A session with a Logout to send on its own (the target asked for it): settle() sends it.
let sessionsDirty: bool = false;
export function markSessionsDirty(): void { sessionsDirty = true; anyDirty = true; }
export function takeSessionsDirty(): bool { const d = sessionsDirty; sessionsDirty = false; return d; }

// ---- targets (the host maps ids and names to these slots)
@unmanaged export class Target {
  index: i32;
  used: u32;
}
let TARGETS: usize = 0;
let nTargets: i32 = 0;
@inline export function targetCap(): i32 { return nTargets; }
@inline export function target(t: i32): Target { return changetype<Target>(TARGETS + <usize>t * offsetof<Target>()); }
@inline export function targetLive(t: i32): bool { return t >= 0 && t < nTargets && target(t).used != 0; }
export function targetAlloc(): i32 {
  for (let i = 0; i < nTargets; i++) if (!target(i).used) { target(i).used = 1; return i; }
  return -1;
}

let heapTop: usize = 0;
function take(bytes: usize): usize { const p = heapTop; heapTop = (heapTop + bytes + 15) & ~15; return p; }

// Sizes every pool once, above the static data: `sessions` sessions (each with its connection;
// a few more connections for raw framing), as many operations (a login or discovery each, plus
// the logouts), as many targets (at least 256), and `tasks` SCSI commands in flight. Grows the
// memory to fit, which detaches every view the host made before: the host makes its views after.
// Returns false when the limits are out of range or the memory cannot grow.
export function recordsInit(sessions: i32, tasks: i32): bool {
  if (nSessions != 0 || sessions < 1 || sessions > MAX_SESSIONS_LIMIT || tasks < 1 || tasks > MAX_TASKS) return false;
  const conns = sessions + 16, ops = sessions + 64, targets = max(256, sessions);
  heapTop = (__heap_base + 15) & ~15;
  CONNS = take(<usize>conns * CONN_SIZE);
  const rxBufs = take(<usize>conns * RXBUF_SIZE);
  SESSIONS = take(<usize>sessions * SESS_SIZE);
  const sessBufs = take(<usize>sessions * SESS_BUFS);
  TASKS = take(<usize>tasks * TASK_SIZE);
  const cdbs = take(<usize>tasks * 16);
  OPS = take(<usize>ops * OP_SIZE);
  TARGETS = take(<usize>targets * offsetof<Target>());
  const pages = <i32>((heapTop + 0xFFFF) >> 16) - memory.size();
  if (pages > 0 && memory.grow(pages) < 0) return false;
  nConns = conns; nSessions = sessions; nTasks = tasks; nOps = ops; nTargets = targets;
  connHigh = 0; sessHigh = 0; taskHigh = 0; opHigh = 0;
  for (let i = 0; i < conns; i++) { const r = conn(i); r.index = i; r.rxBuf = rxBufs + <usize>i * RXBUF_SIZE; }
  for (let i = 0; i < sessions; i++) {
    const r = sess(i);
    const b = sessBufs + <usize>i * SESS_BUFS;
    r.index = i;
    r.strs = b;
    r.random = b + <usize>STR_COUNT * <usize>STR_SIZE;
    r.peerR = r.random + 32;
    r.carry = r.peerR + PEER_R_CAP + 4;
    r.keys = r.carry + TEXT_CAP + 4;
  }
  for (let i = 0; i < ops; i++) op(i).index = i;
  for (let i = 0; i < targets; i++) target(i).index = i;
  for (let i = 0; i < tasks; i++) { const r = task(i); r.index = i; r.cdb = cdbs + <usize>i * 16; }
  return true;
}
