// Per-session teardown (contract §3; RFC 7143 §8.1 T9-T18): one Immediate Logout with reason 0,
// then wait for the matching response, FIN, RST or the timer, and close in every outcome.
import { S_OK, VDS_E_ISCSI_LOGOUT_FAILED, VDS_E_TIMEOUT, ACT_SESSION_RESULT, ACT_EVENT, EV_SESSION_LOGGED_OUT,
  S5_LOGGED_IN, S6_IN_LOGOUT, S7_LOGOUT_REQUESTED, S8_CLEANUP_WAIT, S1_FREE,
  R_LOGGED_OUT, R_TIMEOUT, R_PROTOCOL_ERROR, R_RESPONSE_1_CID_NOT_FOUND, R_RESPONSE_2_RECOVERY_UNSUPPORTED,
  R_RESPONSE_3_CLEANUP_FAILED, ASYNC_LOGOUTFROMTARGET } from "./codes";
import { act } from "./actions";
import { be16, be32, put16, put32, tget, tset } from "./mem";
import { C_STATE, C_ITT, C_CID, C_EXPSTATSN, Q_CONN, Q_CMDSN, Q_OP, Q_LSTATE, Q_FLAGS, Q_RESULT, Q_T2W,
  Q_T2R, Q_LOGOUTMS, Q_GRACEMS, O_TYPE, O_TIMEDOUT, LS_SENT, LS_FINISHED, SF_CLOSING, NONE, nextItt } from "./tables";
import { pduBegin, pduEnd } from "./send";
import { armConn, cancelConn, CT_LOGOUT, CT_GRACE } from "./timers";
import { framerStop } from "./framer";
import { sessionGone } from "./lifecycle";
import { opSessionDone } from "./operation";

// T9 (S5->S6) or T10 (S7->S6). Returns false when the session has no connection to carry it.
export function logoutSend(s: i32): bool {
  const cc = tget(Q_CONN, s);
  if (cc == NONE) { sessionFinish(s, R_PROTOCOL_ERROR, 0, 0); return false; }
  const c = <i32>cc;
  const st = tget(C_STATE, c);
  if (st != S5_LOGGED_IN && st != S7_LOGOUT_REQUESTED) { sessionFinish(s, R_PROTOCOL_ERROR, 0, 0); return false; }
  const p = pduBegin(c, 0);
  const itt = nextItt(s);
  store<u8>(p, 0x46);                 // Logout, Immediate: goes out even with the window closed
  store<u8>(p, 0x80, 1);              // F=1, reason 0: close the session
  put32(p + 16, itt);
  put16(p + 20, tget(C_CID, c));
  put32(p + 24, tget(Q_CMDSN, s));    // Immediate: CmdSN is carried, not advanced
  put32(p + 28, tget(C_EXPSTATSN, c));
  pduEnd(0);
  tset(C_ITT, c, itt);
  tset(C_STATE, c, S6_IN_LOGOUT);
  tset(Q_LSTATE, s, LS_SENT);
  armConn(c, CT_LOGOUT, tget(Q_LOGOUTMS, s));
  return true;
}

// A Logout Response on a connection in S6.
export function logoutResponse(c: i32, s: i32, p: usize): void {
  if (be32(p + 16) != tget(C_ITT, c)) { sessionFinish(s, R_PROTOCOL_ERROR, 0, 0); return; }
  const resp = <u32>load<u8>(p, 2);
  const t2w = be16(p + 40), t2r = be16(p + 42);
  if (resp == 0) {
    // T13: logged out. Give the target a short grace to send its FIN, then close ourselves.
    tset(C_STATE, c, S1_FREE);
    tset(Q_RESULT, s, R_LOGGED_OUT); tset(Q_T2W, s, t2w); tset(Q_T2R, s, t2r);
    tset(Q_FLAGS, s, tget(Q_FLAGS, s) | SF_CLOSING);
    framerStop(c);
    armConn(c, CT_GRACE, tget(Q_GRACEMS, s));
    return;
  }
  if (resp <= 3) {                                                                               // T17
    tset(C_STATE, c, S8_CLEANUP_WAIT);
    sessionFinish(s, resp == 1 ? R_RESPONSE_1_CID_NOT_FOUND : resp == 2 ? R_RESPONSE_2_RECOVERY_UNSUPPORTED : R_RESPONSE_3_CLEANUP_FAILED, t2w, t2r);
    return;
  }
  sessionFinish(s, R_PROTOCOL_ERROR, t2w, t2r);
}

// The one end of every teardown: close, report, free, account.
export function sessionFinish(s: i32, reason: u32, t2w: u32, t2r: u32): void {
  const o = tget(Q_OP, s);
  const wasSent = tget(Q_LSTATE, s) == LS_SENT;
  tset(Q_LSTATE, s, LS_FINISHED);
  const cc = tget(Q_CONN, s);
  if (cc != NONE) cancelConn(<i32>cc);
  const hr = reason == R_LOGGED_OUT ? S_OK : reason == R_TIMEOUT && o != NONE && isTimedOut(<i32>o) ? VDS_E_TIMEOUT : VDS_E_ISCSI_LOGOUT_FAILED;
  if (o != NONE && isLogoutOp(<i32>o)) act(ACT_SESSION_RESULT, o, <u32>s, reason, hr, t2w, t2r);
  else act(ACT_EVENT, <u32>s, EV_SESSION_LOGGED_OUT, reason, t2w, t2r);
  sessionGone(s);
  if (o != NONE) opSessionDone(<i32>o, reason == R_LOGGED_OUT, wasSent);
}

// The connection of a closing (already logged-out) session reached FIN or its grace ran out.
export function closingDone(s: i32): void {
  sessionFinish(s, tget(Q_RESULT, s), tget(Q_T2W, s), tget(Q_T2R, s));
}

function isLogoutOp(o: i32): bool { return tget(O_TYPE, o) == ASYNC_LOGOUTFROMTARGET; }
function isTimedOut(o: i32): bool { return tget(O_TIMEDOUT, o) != 0; }
