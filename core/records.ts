// State lives in records: one per connection, session, operation and target, laid out as
// @unmanaged classes over fixed memory (nothing is allocated while sessions run). Each record
// starts with the fields set once at start-up (its index and the addresses of its buffers);
// everything after `state` is zeroed by one reset, so a field added later cannot be forgotten.
import { MAX_CONNS, MAX_SESSIONS, MAX_OPS, MAX_TARGETS, MAX_RECV_DSL, K_COUNT, S1_FREE, Q1_FREE,
  LOGIN_HEADER_DIGEST, LOGIN_DATA_DIGEST } from "./codes";

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
  step: u32;           // login step
  itt: u32;            // ITT of the request we await
  cid: u32;
  rxHave: u32;         // framer: bytes held in rxBuf
  rxNeed: u32;         // framer: whole length of the PDU being reassembled
  rxLimit: u32;        // our MaxRecvDataSegmentLength on this connection
  rxFlags: u32;        // FL_*
  rxSum: u32;          // raw framing only: checksum and count of PDUs (tests, benchmarks)
  rxCount: u32;
}
export const FL_HDIGEST: u32 = 1;
export const FL_DDIGEST: u32 = 2;
export const FL_STOPPED: u32 = 4;
export const FL_RAW: u32 = 8;        // no session behind it: fold PDUs into a checksum
export const FL_ANY_DIR: u32 = 16;   // raw only: accept initiator PDUs as well (fixtures)

export const RXBUF_SIZE: u32 = 48 + 1020 + 4 + MAX_RECV_DSL + 4;
const CONN_SIZE: usize = offsetof<Conn>();
const CONNS: usize = memory.data(MAX_CONNS * <i32>offsetof<Conn>(), 8);
const RXBUFS: usize = memory.data(MAX_CONNS * <i32>RXBUF_SIZE, 16);

@inline export function conn(c: i32): Conn { return changetype<Conn>(CONNS + <usize>c * CONN_SIZE); }
@inline export function connLive(c: i32): bool { return c >= 0 && c < MAX_CONNS && conn(c).state != 0; }

export function connAlloc(s: i32): Conn | null {
  for (let i = 0; i < MAX_CONNS; i++) {
    const r = conn(i);
    if (r.state != 0) continue;
    const at = changetype<usize>(r) + offsetof<Conn>("state");
    memory.fill(at, 0, CONN_SIZE - offsetof<Conn>("state"));
    r.gen++;
    r.state = S1_FREE; r.sess = s; r.itt = NONE; r.cid = 1; r.rxLimit = MAX_RECV_DSL;
    return r;
  }
  return null;
}
export function connFree(r: Conn): void { r.state = 0; r.timerKind = 0; }

// ---- sessions
@unmanaged export class Session {
  index: i32;
  strs: usize;         // 4 length-prefixed names (public, never secrets), STR_SIZE bytes each
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
  keepaliveMs: u32;    // NOP-Out ping interval and answer limit; 0 = off
  chapAlg: u32;
  chapNext: u32;       // mutual CHAP: the response flags to continue with once verified
  textPending: u32;    // discovery: a Text Request waits for the command window to open
  textTtt: u32;        // ... echoing this Target Transfer Tag (0xFFFFFFFF: the first request)
}
export const STR_SIZE: u32 = 256;
export const STR_INITIATOR: u32 = 0;
export const STR_TARGET: u32 = 1;
export const STR_CHAP_USER: u32 = 2;
export const STR_CHAP_TARGET_USER: u32 = 3;
export const PEER_R_CAP: u32 = 60;
export const TEXT_CAP: u32 = 4096;

export const SF_HDIGEST: u32 = LOGIN_HEADER_DIGEST;  // the caller asked for them (login() flags kept as they are)
export const SF_DDIGEST: u32 = LOGIN_DATA_DIGEST;
export const SF_DISCOVERY: u32 = 4;
export const SF_HD_ON: u32 = 8;     // negotiated and active
export const SF_DD_ON: u32 = 16;
export const SF_CLOSING: u32 = 32;  // logged out; waiting for FIN or the grace timer
// bits 8..11: the CHAP algorithms the caller allows (see login.ts)

export const LS_NONE: u32 = 0;
export const LS_PENDING: u32 = 1;   // in a logout operation, Logout not yet sent
export const LS_SENT: u32 = 2;
export const LS_FINISHED: u32 = 3;

const SESS_SIZE: usize = offsetof<Session>();
const SESSIONS: usize = memory.data(MAX_SESSIONS * <i32>offsetof<Session>(), 8);
const STRS: usize = memory.data(MAX_SESSIONS * 4 * <i32>STR_SIZE, 4);
const RANDOM: usize = memory.data(MAX_SESSIONS * 32, 4);
const PEER_R: usize = memory.data(MAX_SESSIONS * (<i32>PEER_R_CAP + 4), 4);
const CARRY: usize = memory.data(MAX_SESSIONS * (<i32>TEXT_CAP + 4), 4);
const KEYS: usize = memory.data(MAX_SESSIONS * <i32>K_COUNT * 4, 4);

@inline export function sess(s: i32): Session { return changetype<Session>(SESSIONS + <usize>s * SESS_SIZE); }
@inline export function sessLive(s: i32): bool { return s >= 0 && s < MAX_SESSIONS && sess(s).state != 0; }

export function sessAlloc(): Session | null {
  for (let i = 0; i < MAX_SESSIONS; i++) {
    const r = sess(i);
    if (r.state != 0) continue;
    const at = changetype<usize>(r) + offsetof<Session>("state");
    memory.fill(at, 0, SESS_SIZE - offsetof<Session>("state"));
    r.state = Q1_FREE; r.conn = NONE; r.target = NONE; r.op = NONE;
    r.cmdSN = 1; r.expCmdSN = 1; r.maxCmdSN = 1; r.nextItt = 1;
    r.logoutMs = 15000; r.graceMs = 1000;
    store<u32>(r.carry, 0);
    return r;
  }
  return null;
}
export function sessFree(r: Session): void { r.state = 0; }

export function strPtr(r: Session, which: u32): usize { return r.strs + <usize>which * STR_SIZE; }
export function strLen(r: Session, which: u32): u32 { return load<u16>(strPtr(r, which)); }
export function strData(r: Session, which: u32): usize { return strPtr(r, which) + 2; }

export function nextItt(r: Session): u32 {
  let itt = r.nextItt;
  if (itt == NONE) itt = 1;
  r.nextItt = itt + 1;
  return itt;
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
  inflight: u32;       // Logouts on the wire, against the cap
  cancelled: u32;
  timedOut: u32;
  target: u32;
  concurrency: u32;
  sess: u32;           // the session a login or discovery works on
  percent: u32;
  dirty: u32;          // a session ended inside this call: settle() has accounting to do
  holders: u32;        // callers sharing a logout (its starter and those who joined it)
  cancelVotes: u32;    // ... of whom asked to cancel
}
const OP_SIZE: usize = offsetof<Operation>();
const OPS: usize = memory.data(MAX_OPS * <i32>offsetof<Operation>(), 8);

@inline export function op(o: i32): Operation { return changetype<Operation>(OPS + <usize>o * OP_SIZE); }
@inline export function opLive(o: i32): bool { return o >= 0 && o < MAX_OPS && op(o).type != 0; }

export function opAlloc(type: u32): Operation | null {
  for (let i = 0; i < MAX_OPS; i++) {
    const r = op(i);
    if (r.type != 0) continue;
    const at = changetype<usize>(r) + offsetof<Operation>("type");
    memory.fill(at, 0, OP_SIZE - offsetof<Operation>("type"));
    r.type = type; r.target = NONE; r.concurrency = 64; r.sess = NONE; r.holders = 1;
    return r;
  }
  return null;
}

// ---- targets (the host maps ids and names to these slots)
@unmanaged export class Target {
  index: i32;
  used: u32;
}
const TARGETS: usize = memory.data(MAX_TARGETS * <i32>offsetof<Target>(), 8);
@inline export function target(t: i32): Target { return changetype<Target>(TARGETS + <usize>t * offsetof<Target>()); }
@inline export function targetLive(t: i32): bool { return t >= 0 && t < MAX_TARGETS && target(t).used != 0; }
export function targetAlloc(): i32 {
  for (let i = 0; i < MAX_TARGETS; i++) if (!target(i).used) { target(i).used = 1; return i; }
  return -1;
}

// Indices and buffer addresses, once at start-up.
export function recordsInit(): void {
  for (let i = 0; i < MAX_CONNS; i++) { const r = conn(i); r.index = i; r.rxBuf = RXBUFS + <usize>i * RXBUF_SIZE; }
  for (let i = 0; i < MAX_SESSIONS; i++) {
    const r = sess(i);
    r.index = i;
    r.strs = STRS + <usize>i * 4 * STR_SIZE;
    r.random = RANDOM + <usize>i * 32;
    r.peerR = PEER_R + <usize>i * (PEER_R_CAP + 4);
    r.carry = CARRY + <usize>i * (TEXT_CAP + 4);
    r.keys = KEYS + <usize>i * K_COUNT * 4;
  }
  for (let i = 0; i < MAX_OPS; i++) op(i).index = i;
  for (let i = 0; i < MAX_TARGETS; i++) target(i).index = i;
}
