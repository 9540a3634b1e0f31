// Operations (the IVdsAsync behind a handle): progress, cancel, deadline and the aggregate
// HRESULT of contract §1-§2 are all decided here.
import { S_OK, ACT_OP_DONE, ACT_PROGRESS, ACT_SESSION_RESULT, ASYNC_LOGOUTFROMTARGET, ASYNC_DISCOVER,
  VDS_E_OPERATION_PENDING, VDS_E_OPERATION_CANCELED, VDS_E_CANCEL_TOO_LATE, VDS_E_TIMEOUT,
  VDS_E_ISCSI_LOGOUT_FAILED, VDS_E_ISCSI_LOGOUT_INCOMPLETE, VDS_E_ISCSI_SESSION_NOT_FOUND,
  VDS_E_OBJECT_NOT_FOUND, E_INVALIDARG, MAX_OPS, MAX_SESSIONS, MAX_TARGETS,
  Q3_LOGGED_IN, S5_LOGGED_IN, R_CANCELLED_BEFORE_SEND, R_TIMEOUT } from "./codes";
import { act } from "./actions";
import { tget, tset } from "./mem";
import { O_TYPE, O_DONEFLAG, O_HR, O_TOTAL, O_DONE, O_OK, O_INFLIGHT, O_CANCEL, O_TIMEDOUT, O_TARGET,
  O_CONC, O_PCT, Q_STATE, Q_TARGET, Q_OP, Q_LSTATE, Q_FLAGS, Q_CONN, Q_LOGOUTMS, Q_GRACEMS, C_STATE,
  T_USED, LS_NONE, LS_PENDING, LS_SENT, SF_DISCOVERY, NONE, opAlloc } from "./tables";
import { armOp, cancelOp } from "./timers";
import { logoutSend, sessionFinish } from "./logout";
import { cancelLogin, deadlineLogin } from "./login";

export function opFinish(o: i32, hr: u32): void {
  if (tget(O_DONEFLAG, o)) return;
  tset(O_DONEFLAG, o, 1); tset(O_HR, o, hr); tset(O_PCT, o, 100);
  cancelOp(o);
  // The answer a later cancel() gets is decided now, while the core still knows why it ended.
  const lateCancel = tget(O_CANCEL, o) ? VDS_E_OPERATION_CANCELED : VDS_E_CANCEL_TOO_LATE;
  act(ACT_OP_DONE, <u32>o, hr, lateCancel);
  tset(O_TYPE, o, 0);
}

function progress(o: i32): void {
  const total = tget(O_TOTAL, o);
  let pct: u32 = total == 0 ? 0 : tget(O_DONE, o) * 100 / total;
  if (pct > 99) pct = 99;
  if (pct > tget(O_PCT, o)) { tset(O_PCT, o, pct); act(ACT_PROGRESS, <u32>o, pct); }
}

function aggregate(o: i32): u32 {
  if (tget(O_CANCEL, o)) return VDS_E_OPERATION_CANCELED;
  if (tget(O_TIMEDOUT, o)) return VDS_E_TIMEOUT;
  const ok = tget(O_OK, o);
  if (ok == tget(O_TOTAL, o)) return S_OK;
  return ok == 0 ? VDS_E_ISCSI_LOGOUT_FAILED : VDS_E_ISCSI_LOGOUT_INCOMPLETE;
}

// Sends session s's Logout as part of operation o, counting it against o's cap.
export function opSend(o: i32, s: i32): void {
  tset(O_INFLIGHT, o, tget(O_INFLIGHT, o) + 1);
  logoutSend(s);
}

// Starts Logouts until the concurrency cap is reached or nothing is pending.
export function opPump(o: i32): void {
  if (tget(O_CANCEL, o) || tget(O_TIMEDOUT, o)) return;
  for (let s = 0; s < MAX_SESSIONS && tget(O_INFLIGHT, o) < tget(O_CONC, o); s++) {
    if (tget(Q_STATE, s) == 0 || tget(Q_OP, s) != <u32>o || tget(Q_LSTATE, s) != LS_PENDING) continue;
    opSend(o, s);
  }
}

// A session of operation o has reached its end (wasSent: its Logout had gone out).
export function opSessionDone(o: i32, ok: bool, wasSent: bool): void {
  if (tget(O_TYPE, o) == 0) return;
  if (wasSent) tset(O_INFLIGHT, o, tget(O_INFLIGHT, o) - 1);
  if (tget(O_TYPE, o) == ASYNC_DISCOVER) { opFinish(o, tget(O_HR, o)); return; }
  tset(O_DONE, o, tget(O_DONE, o) + 1);
  if (ok) tset(O_OK, o, tget(O_OK, o) + 1);
  if (tget(O_DONE, o) >= tget(O_TOTAL, o)) { opFinish(o, aggregate(o)); return; }
  progress(o);
  opPump(o);
}

// Durations become host timers: above 2^31-1 ms some runtimes fire at once, so they are refused.
export function durationOk(ms: u32, zeroOk: bool): bool { return ms <= 0x7FFFFFFF && (zeroOk || ms > 0); }

function runningLogoutFor(t: u32): i32 {
  for (let o = 0; o < MAX_OPS; o++)
    if (tget(O_TYPE, o) == ASYNC_LOGOUTFROMTARGET && tget(O_TARGET, o) == t && !tget(O_DONEFLAG, o)) return o;
  return -1;
}

// LogoutFromTarget. target: a slot, -1 = well-formed id naming no known target, -2 = malformed id.
// Returns the operation slot (already finished for the up-front failures), or -1 when no slot is free.
export function logoutStart(target: i32, logoutMs: u32, concurrency: u32, deadlineMs: u32, graceMs: u32): i32 {
  if (target >= 0 && target < MAX_TARGETS && tget(T_USED, target)) {
    const running = runningLogoutFor(<u32>target);
    if (running >= 0) return running; // join: each session still gets exactly one Logout
  }
  const o = opAlloc(ASYNC_LOGOUTFROMTARGET);
  if (o < 0) return -1;
  if (target == -2 || target < -2 || target >= MAX_TARGETS || !durationOk(logoutMs, false) || concurrency == 0 ||
      concurrency > <u32>MAX_SESSIONS || !durationOk(deadlineMs, true) || !durationOk(graceMs, true)) { opFinish(o, E_INVALIDARG); return o; }
  if (target == -1 || !tget(T_USED, target)) { opFinish(o, VDS_E_OBJECT_NOT_FOUND); return o; }
  tset(O_TARGET, o, <u32>target); tset(O_CONC, o, concurrency);
  let total: u32 = 0;
  for (let s = 0; s < MAX_SESSIONS; s++) {
    if (tget(Q_STATE, s) != Q3_LOGGED_IN || tget(Q_TARGET, s) != <u32>target) continue;
    if (tget(Q_FLAGS, s) & SF_DISCOVERY) continue;
    if (tget(Q_LSTATE, s) != LS_NONE || tget(Q_OP, s) != NONE) continue;
    const c = tget(Q_CONN, s);
    if (c == NONE || tget(C_STATE, <i32>c) != S5_LOGGED_IN) continue;
    tset(Q_OP, s, <u32>o); tset(Q_LSTATE, s, LS_PENDING);
    tset(Q_LOGOUTMS, s, logoutMs); tset(Q_GRACEMS, s, graceMs);
    total++;
  }
  tset(O_TOTAL, o, total);
  if (total == 0) { opFinish(o, VDS_E_ISCSI_SESSION_NOT_FOUND); return o; }
  if (deadlineMs > 0) armOp(o, deadlineMs);
  opPump(o);
  return o;
}

// Unsent sessions leave the operation still logged in, with `reason`.
function releasePending(o: i32, reason: u32, hr: u32): u32 {
  let n: u32 = 0;
  for (let s = 0; s < MAX_SESSIONS; s++) {
    if (tget(Q_STATE, s) == 0 || tget(Q_OP, s) != <u32>o || tget(Q_LSTATE, s) != LS_PENDING) continue;
    tset(Q_OP, s, NONE); tset(Q_LSTATE, s, LS_NONE);
    act(ACT_SESSION_RESULT, <u32>o, <u32>s, reason, hr, 0, 0);
    tset(O_DONE, o, tget(O_DONE, o) + 1);
    n++;
  }
  return n;
}

export function opCancel(o: i32): u32 {
  if (o < 0 || o >= MAX_OPS || tget(O_TYPE, o) == 0 || tget(O_DONEFLAG, o)) return VDS_E_CANCEL_TOO_LATE;
  if (tget(O_CANCEL, o)) return VDS_E_OPERATION_CANCELED;
  if (tget(O_TYPE, o) != ASYNC_LOGOUTFROMTARGET) return cancelLogin(o);
  let pending = false;
  for (let s = 0; s < MAX_SESSIONS && !pending; s++)
    pending = tget(Q_STATE, s) != 0 && tget(Q_OP, s) == <u32>o && tget(Q_LSTATE, s) == LS_PENDING;
  if (!pending) return VDS_E_CANCEL_TOO_LATE;
  tset(O_CANCEL, o, 1);
  releasePending(o, R_CANCELLED_BEFORE_SEND, VDS_E_OPERATION_CANCELED);
  if (tget(O_DONE, o) >= tget(O_TOTAL, o)) opFinish(o, aggregate(o)); else progress(o);
  return S_OK;
}

// The whole-operation deadline: unsent sessions stay logged in, in-flight ones are torn down now.
export function opDeadline(o: i32): void {
  if (tget(O_TYPE, o) == 0 || tget(O_DONEFLAG, o)) return;
  tset(O_TIMEDOUT, o, 1);
  if (tget(O_TYPE, o) != ASYNC_LOGOUTFROMTARGET) { deadlineLogin(o); return; }
  releasePending(o, R_TIMEOUT, VDS_E_TIMEOUT);
  for (let s = 0; s < MAX_SESSIONS; s++)
    if (tget(Q_STATE, s) != 0 && tget(Q_OP, s) == <u32>o && tget(Q_LSTATE, s) == LS_SENT) sessionFinish(s, R_TIMEOUT, 0, 0);
  if (tget(O_TYPE, o) != 0 && tget(O_DONE, o) >= tget(O_TOTAL, o)) opFinish(o, aggregate(o));
}

export function opStatus(o: i32): u32 {
  if (o < 0 || o >= MAX_OPS || tget(O_TYPE, o) == 0) return E_INVALIDARG;
  return tget(O_DONEFLAG, o) ? tget(O_HR, o) : VDS_E_OPERATION_PENDING;
}
export function opPercent(o: i32): u32 { return o < 0 || o >= MAX_OPS ? 0 : tget(O_PCT, o); }
export function opTotal(o: i32): u32 { return o < 0 || o >= MAX_OPS ? 0 : tget(O_TOTAL, o); }
