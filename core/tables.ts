// Connection, session, operation and target tables: struct-of-arrays over fixed slots.
// A connection, session or operation is an index; slot 0 state 0 means free.
import { MAX_CONNS, MAX_SESSIONS, MAX_OPS, MAX_TARGETS, S1_FREE, Q1_FREE, LOGIN_HEADER_DIGEST, LOGIN_DATA_DIGEST } from "./codes";
import { tget, tset } from "./mem";

// ---- connections
export const C_STATE = memory.data(MAX_CONNS * 4, 4);   // 0 unused, else S1..S8
export const C_SESS = memory.data(MAX_CONNS * 4, 4);
export const C_EXPSTATSN = memory.data(MAX_CONNS * 4, 4);
export const C_TKIND = memory.data(MAX_CONNS * 4, 4);   // what the connection timer means now
export const C_STEP = memory.data(MAX_CONNS * 4, 4);    // login step / teardown step
export const C_ITT = memory.data(MAX_CONNS * 4, 4);     // ITT of the request we await
export const C_CID = memory.data(MAX_CONNS * 4, 4);

// ---- sessions
export const Q_STATE = memory.data(MAX_SESSIONS * 4, 4); // 0 unused, else Q1/Q3/Q4
export const Q_TARGET = memory.data(MAX_SESSIONS * 4, 4);
export const Q_CONN = memory.data(MAX_SESSIONS * 4, 4);
export const Q_TSIH = memory.data(MAX_SESSIONS * 4, 4);
export const Q_CMDSN = memory.data(MAX_SESSIONS * 4, 4);
export const Q_EXPCMDSN = memory.data(MAX_SESSIONS * 4, 4);
export const Q_MAXCMDSN = memory.data(MAX_SESSIONS * 4, 4);
export const Q_NEXTITT = memory.data(MAX_SESSIONS * 4, 4);
export const Q_OP = memory.data(MAX_SESSIONS * 4, 4);      // operation acting on it, or NONE
export const Q_LSTATE = memory.data(MAX_SESSIONS * 4, 4);  // logout progress, LS_*
export const Q_FLAGS = memory.data(MAX_SESSIONS * 4, 4);   // SF_*
export const Q_AUTH = memory.data(MAX_SESSIONS * 4, 4);
export const Q_REDIRECTS = memory.data(MAX_SESSIONS * 4, 4);
export const Q_LOGINMS = memory.data(MAX_SESSIONS * 4, 4);
export const Q_CONNECTMS = memory.data(MAX_SESSIONS * 4, 4);
export const Q_RESULT = memory.data(MAX_SESSIONS * 4, 4);  // reason decided for its teardown
export const Q_T2W = memory.data(MAX_SESSIONS * 4, 4);
export const Q_T2R = memory.data(MAX_SESSIONS * 4, 4);
export const Q_LOGOUTMS = memory.data(MAX_SESSIONS * 4, 4);
export const Q_GRACEMS = memory.data(MAX_SESSIONS * 4, 4);
export const Q_KEEPALIVE = memory.data(MAX_SESSIONS * 4, 4); // NOP-Out ping interval and answer limit, ms; 0 = off
// Per-session strings (names are public, never secrets): 4 x 256 bytes, length-prefixed u16.
export const STR_SIZE: u32 = 256;
export const Q_STR = memory.data(MAX_SESSIONS * 4 * <i32>STR_SIZE, 4);
export const STR_INITIATOR: u32 = 0;
export const STR_TARGET: u32 = 1;
export const STR_CHAP_USER: u32 = 2;
export const STR_CHAP_TARGET_USER: u32 = 3;
export const Q_RANDOM = memory.data(MAX_SESSIONS * 32, 4);  // host randomness: ISID, CHAP_I, CHAP_C

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

// ---- operations
export const O_TYPE = memory.data(MAX_OPS * 4, 4);    // 0 free, else ASYNC_*
export const O_DONEFLAG = memory.data(MAX_OPS * 4, 4);
export const O_HR = memory.data(MAX_OPS * 4, 4);
export const O_TOTAL = memory.data(MAX_OPS * 4, 4);
export const O_DONE = memory.data(MAX_OPS * 4, 4);
export const O_OK = memory.data(MAX_OPS * 4, 4);
export const O_INFLIGHT = memory.data(MAX_OPS * 4, 4);
export const O_CANCEL = memory.data(MAX_OPS * 4, 4);
export const O_TIMEDOUT = memory.data(MAX_OPS * 4, 4);
export const O_TARGET = memory.data(MAX_OPS * 4, 4);
export const O_CONC = memory.data(MAX_OPS * 4, 4);
export const O_SESS = memory.data(MAX_OPS * 4, 4);      // the session a login/discovery works on
export const O_PCT = memory.data(MAX_OPS * 4, 4);

// ---- targets (the host maps ids and names to these slots)
export const T_USED = memory.data(MAX_TARGETS * 4, 4);

export const NONE: u32 = 0xFFFFFFFF;

function findFree(table: usize, n: i32): i32 {
  for (let i = 0; i < n; i++) if (tget(table, i) == 0) return i;
  return -1;
}

export function connAlloc(s: i32): i32 {
  const c = findFree(C_STATE, MAX_CONNS);
  if (c < 0) return -1;
  tset(C_STATE, c, S1_FREE); tset(C_SESS, c, <u32>s); tset(C_EXPSTATSN, c, 0);
  tset(C_TKIND, c, 0); tset(C_STEP, c, 0); tset(C_ITT, c, NONE); tset(C_CID, c, 1);
  return c;
}
export function connFree(c: i32): void { tset(C_STATE, c, 0); tset(C_TKIND, c, 0); }

export function sessAlloc(): i32 {
  const s = findFree(Q_STATE, MAX_SESSIONS);
  if (s < 0) return -1;
  tset(Q_STATE, s, Q1_FREE); tset(Q_CONN, s, NONE); tset(Q_TSIH, s, 0); tset(Q_CMDSN, s, 1);
  tset(Q_EXPCMDSN, s, 1); tset(Q_MAXCMDSN, s, 1); tset(Q_NEXTITT, s, 1); tset(Q_OP, s, NONE);
  tset(Q_LSTATE, s, LS_NONE); tset(Q_FLAGS, s, 0); tset(Q_REDIRECTS, s, 0); tset(Q_TARGET, s, NONE);
  tset(Q_RESULT, s, 0); tset(Q_T2W, s, 0); tset(Q_T2R, s, 0);
  tset(Q_LOGOUTMS, s, 15000); tset(Q_GRACEMS, s, 1000); tset(Q_KEEPALIVE, s, 0);
  return s;
}
export function sessFree(s: i32): void { tset(Q_STATE, s, 0); }

export function opAlloc(type: u32): i32 {
  const o = findFree(O_TYPE, MAX_OPS);
  if (o < 0) return -1;
  tset(O_TYPE, o, type); tset(O_DONEFLAG, o, 0); tset(O_HR, o, 0); tset(O_TOTAL, o, 0);
  tset(O_DONE, o, 0); tset(O_OK, o, 0); tset(O_INFLIGHT, o, 0); tset(O_CANCEL, o, 0);
  tset(O_TIMEDOUT, o, 0); tset(O_TARGET, o, NONE); tset(O_CONC, o, 64); tset(O_SESS, o, NONE);
  tset(O_PCT, o, 0);
  return o;
}

export function targetAlloc(): i32 {
  const t = findFree(T_USED, MAX_TARGETS);
  if (t >= 0) tset(T_USED, t, 1);
  return t;
}

// Strings
export function strPtr(s: i32, which: u32): usize { return Q_STR + (<usize>s * 4 + which) * STR_SIZE; }
export function strLen(s: i32, which: u32): u32 { return load<u16>(strPtr(s, which)); }
export function strData(s: i32, which: u32): usize { return strPtr(s, which) + 2; }
export function randPtr(s: i32): usize { return Q_RANDOM + <usize>s * 32; }

@inline export function nextItt(s: i32): u32 {
  let itt = tget(Q_NEXTITT, s);
  if (itt == NONE) itt = 1;
  tset(Q_NEXTITT, s, itt + 1);
  return itt;
}
