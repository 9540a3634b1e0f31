// The module surface: numbers in, numbers out. Every entry that can produce actions resets the
// action queue first and returns how many it queued (-1 if the queue overflowed: a core bug).
import { RX, TX, IO, FIELDS, IO_CAP, tget, tset } from "./mem";
import { ACT, beginCall, actionCount } from "./actions";
import { crcInit, crc32c } from "./crc32c";
import { pduInit, decodeBhs, encodeBhs } from "./pdu";
import { framerReset, framerFeed, framerChecksum, framerCount, framerPending, FL_RAW } from "./framer";
import { ASYNC_LOGINTOTARGET, ASYNC_DISCOVER, E_INVALIDARG, E_OUTOFMEMORY, ACT_LOGIN_STATUS, L_OUT_OF_RESOURCES,
  MAX_CONNS, MAX_SESSIONS, MAX_TARGETS, TIMER_CONN, TIMER_OP, P_INITIATOR_NAME, P_TARGET_NAME, P_CHAP_USER,
  P_CHAP_TARGET_USER, P_RANDOM, P_KEEPALIVE_MS, ERR_NO_SLOT, ERR_BAD_FIELD, AUTH_MUTUAL_CHAP, MAX_RECV_DSL } from "./codes";
import { act } from "./actions";
import { Q_KEEPALIVE, O_HR, Q_GRACEMS } from "./tables";
import { DISCOVERY_GRACE_MS, VDS_E_ISCSI_LOGIN_FAILED, LOGIN_DISCOVERY, LOGIN_HEADER_DIGEST, LOGIN_DATA_DIGEST, LOGIN_CHAP_MD5, LOGIN_CHAP_SHA1,
  LOGIN_CHAP_SHA256, LOGIN_CHAP_SHA3_256 } from "./codes";
import { C_STATE, C_SESS, Q_STATE, Q_TARGET, Q_TSIH, Q_CONN, Q_AUTH, Q_FLAGS, Q_CONNECTMS, Q_LOGINMS, T_USED,
  STR_SIZE, SF_DISCOVERY, NONE, strPtr, randPtr, sessAlloc, sessFree, opAlloc, targetAlloc, connAlloc, connFree,
  STR_INITIATOR, STR_TARGET, STR_CHAP_USER, STR_CHAP_TARGET_USER } from "./tables";
import { durationOk, opFinish, logoutStart, opCancel, opDeadline, opStatus, opPercent, opTotal } from "./operation";
import { loginBegin, loginTransportUp, chapAnswer as chapAnswerIn, chapExpected as chapExpectedIn } from "./login";
import { connData, connLost, connTimer } from "./conn";
import { sessionParam as sessionParamIn } from "./keys";

crcInit();
pduInit();

export { MAX_CONNS, MAX_SESSIONS };
export function rxPtr(): usize { return RX; }
export function txPtr(): usize { return TX; }
export function ioPtr(): usize { return IO; }
export function actPtr(): usize { return ACT; }
export function fieldsPtr(): usize { return FIELDS; }

// ---- codec, digests and raw framing (tests, benchmarks, fixtures)
export function crc(len: u32): u32 { return crc32c(RX, len); }
export function decode(): i32 { return decodeBhs(RX); }
export function encode(): i32 { return encodeBhs(TX); }
const RAW_STATE: u32 = 99;
export function rawOpen(flags: u32, limit: u32): i32 {
  if (limit > MAX_RECV_DSL) return ERR_BAD_FIELD;     // refused, never clamped
  const c = connAlloc(-1);
  if (c < 0) return ERR_NO_SLOT;
  tset(C_STATE, c, RAW_STATE);
  framerReset(c, flags | FL_RAW, limit);
  return c;
}
export function rawFeed(c: i32, len: u32): i32 {
  if (c < 0 || c >= MAX_CONNS || tget(C_STATE, c) != RAW_STATE) return -10;
  return framerFeed(c, RX, len);
}
export function rawChecksum(c: i32): u32 { return framerChecksum(c); }
export function rawCount(c: i32): u32 { return framerCount(c); }
export function rawPending(c: i32): u32 { return framerPending(c); }
export function rawClose(c: i32): void { if (c >= 0 && c < MAX_CONNS && tget(C_STATE, c) == RAW_STATE) connFree(c); }

// ---- targets and sessions
export function targetNew(): i32 { return targetAlloc(); }
export function targetSessions(t: i32): i32 {
  let n = 0;
  for (let s = 0; s < MAX_SESSIONS; s++) if (tget(Q_STATE, s) != 0 && tget(Q_TARGET, s) == <u32>t) n++;
  return n;
}
export function sessionState(s: i32): u32 { return s < 0 || s >= MAX_SESSIONS ? 0 : tget(Q_STATE, s); }
export function sessionTsih(s: i32): u32 { return tget(Q_TSIH, s); }
export function sessionConnState(s: i32): u32 {
  const c = tget(Q_CONN, s);
  return c == NONE ? 0 : tget(C_STATE, <i32>c);
}
export function sessionParam(s: i32, k: u32): u32 { return s < 0 || s >= MAX_SESSIONS ? 0xFFFFFFFF : sessionParamIn(s, k); }
export function connState(c: i32): u32 { return c < 0 || c >= MAX_CONNS ? 0 : tget(C_STATE, c); }
export function connSession(c: i32): u32 { return tget(C_SESS, c); }

// Reads the TLV parameter block the host wrote into IO. Returns false on a malformed block.
function readParams(s: i32, len: u32): bool {
  if (len > IO_CAP) return false;
  memory.fill(strPtr(s, 0), 0, 4 * STR_SIZE);
  let i: u32 = 0;
  while (i + 4 <= len) {
    const tag = <u32>load<u16>(IO + i), n = <u32>load<u16>(IO + i + 2);
    i += 4;
    if (i + n > len) return false;
    let which: u32 = 99;
    if (tag == P_INITIATOR_NAME) which = STR_INITIATOR;
    else if (tag == P_TARGET_NAME) which = STR_TARGET;
    else if (tag == P_CHAP_USER) which = STR_CHAP_USER;
    else if (tag == P_CHAP_TARGET_USER) which = STR_CHAP_TARGET_USER;
    if (which != 99) {
      if (n > STR_SIZE - 2) return false;
      const p = strPtr(s, which);
      store<u16>(p, <u16>n); memory.copy(p + 2, IO + i, n);
    } else if (tag == P_KEEPALIVE_MS) {
      if (n != 4) return false;
      if (!durationOk(load<u32>(IO + i), true)) return false;
      tset(Q_KEEPALIVE, s, load<u32>(IO + i));
    } else if (tag == P_RANDOM) {
      if (n != 32) return false;
      memory.copy(randPtr(s), IO + i, 32);
    }
    i += n;
  }
  return i == len;
}

// LoginToTarget or discovery (flags: LOGIN_* in codes.ts).
// Returns the operation slot.
export function login(now: f64, target: i32, auth: u32, flags: u32, connectMs: u32, loginMs: u32, ioLen: u32): i32 {
  beginCall();
  const discovery = (flags & LOGIN_DISCOVERY) != 0;
  const o = opAlloc(discovery ? ASYNC_DISCOVER : ASYNC_LOGINTOTARGET);
  if (o < 0) return ERR_NO_SLOT;
  if (!discovery && (target < 0 || target >= MAX_TARGETS || !tget(T_USED, target))) { opFinish(o, E_INVALIDARG); return o; }
  if (auth > AUTH_MUTUAL_CHAP || !durationOk(connectMs, false) || !durationOk(loginMs, false)) { opFinish(o, E_INVALIDARG); return o; }
  const s = sessAlloc();
  if (s < 0) { act(ACT_LOGIN_STATUS, <u32>o, 0, L_OUT_OF_RESOURCES); opFinish(o, E_OUTOFMEMORY); return o; }
  if (!readParams(s, ioLen)) { sessFree(s); opFinish(o, E_INVALIDARG); return o; }
  tset(Q_TARGET, s, discovery ? NONE : <u32>target);
  tset(Q_AUTH, s, auth);
  // Session flags keep the caller's digest requests (bits 0-1) and CHAP_A choices (bits 8-11).
  tset(Q_FLAGS, s, (flags & (LOGIN_HEADER_DIGEST | LOGIN_DATA_DIGEST | LOGIN_CHAP_MD5 | LOGIN_CHAP_SHA1 | LOGIN_CHAP_SHA256 | LOGIN_CHAP_SHA3_256)) |
    (discovery ? SF_DISCOVERY : 0));
  tset(Q_CONNECTMS, s, connectMs); tset(Q_LOGINMS, s, loginMs);
  // A discovery succeeds only once its SendTargets answer is complete (login.ts textResponse).
  // tgtd never sends FIN after a discovery Logout; its answer is in hand by then, so the wait
  // for FIN is kept short rather than the full grace a normal session gets.
  if (discovery) { tset(O_HR, o, VDS_E_ISCSI_LOGIN_FAILED); tset(Q_GRACEMS, s, DISCOVERY_GRACE_MS); }
  loginBegin(o, s);
  return o;
}

export function logout(now: f64, target: i32, logoutMs: u32, concurrency: u32, deadlineMs: u32, graceMs: u32): i32 {
  beginCall();
  return logoutStart(target, logoutMs, concurrency, deadlineMs, graceMs);
}
export function cancel(now: f64, o: i32): u32 { beginCall(); return opCancel(o); }
export function status(o: i32): u32 { return opStatus(o); }
export function percent(o: i32): u32 { return opPercent(o); }
export function total(o: i32): u32 { return opTotal(o); }
export function actions(): i32 { return actionCount(); }

// ---- transport and timer events
export function up(now: f64, c: i32): i32 {
  beginCall();
  if (c >= 0 && c < MAX_CONNS) loginTransportUp(c);
  return actionCount();
}
export function data(now: f64, c: i32, len: u32): i32 {
  beginCall();
  connData(c, RX, len);
  return actionCount();
}
export function lost(now: f64, c: i32, connectFailed: u32): i32 {
  beginCall();
  connLost(c, connectFailed != 0);
  return actionCount();
}
export function timer(now: f64, id: u32): i32 {
  beginCall();
  const kind = id >> 16, slot = <i32>(id & 0xFFFF);
  if (kind == TIMER_CONN) connTimer(slot);
  else if (kind == TIMER_OP) opDeadline(slot);
  return actionCount();
}
export function chapAnswer(now: f64, c: i32, len: u32): i32 {
  beginCall();
  if (c >= 0 && c < MAX_CONNS) chapAnswerIn(c, len);
  return actionCount();
}
export function chapExpected(now: f64, c: i32, len: u32): i32 {
  beginCall();
  if (c >= 0 && c < MAX_CONNS) chapExpectedIn(c, len);
  return actionCount();
}

// XOR of the CRC32C of each `block`-byte block in RX[0..len): the digest loop with one call per batch.
export function crcBlocks(len: u32, block: u32): u32 {
  let x: u32 = 0;
  if (block == 0) return 0;
  for (let at: u32 = 0; at + block <= len; at += block) x ^= crc32c(RX + at, block);
  return x;
}
