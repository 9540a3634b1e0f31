// Per-session teardown (docs/logout.md; RFC 7143 §8.1 T9-T18): one Immediate Logout with
// reason 0, then wait for the matching response, FIN, RST or the timer, and close in every
// outcome. A session's end is reported and recorded here; its operation settles later.
import { S_OK, VDS_E_ISCSI_LOGOUT_FAILED, VDS_E_TIMEOUT, ACT_SESSION_RESULT, ACT_EVENT, EV_SESSION_LOGGED_OUT,
  S5_LOGGED_IN, S6_IN_LOGOUT, S7_LOGOUT_REQUESTED, ASYNC_LOGOUTFROMTARGET,
  R_LOGGED_OUT, R_TIMEOUT, R_PROTOCOL_ERROR, R_RESPONSE_1_CID_NOT_FOUND, R_RESPONSE_2_RECOVERY_UNSUPPORTED,
  R_RESPONSE_3_CLEANUP_FAILED, R_CONNECTION_LOST_BEFORE_RESPONSE, T_ABORTED_BY_LOGOUT } from "./codes";
import { act } from "./actions";
import { be16, be32 } from "./mem";
import { Conn, Session, conn, op, nextItt, setLogoutState, NONE, LS_SENT, LS_FINISHED, SF_DISCOVERY, SF_ASK_TIMER,
  SF_RECOVERING,
  FL_STOPPED } from "./records";
import { pduBegin, pduEnd, stamp } from "./send";
import { armConn, cancelConn, cancelSession, CT_LOGOUT, CT_GRACE } from "./timers";
import { sessionGone, opSessionEnded } from "./lifecycle";
import { sessionTasksEnd } from "./tasks";
import { connTo, sessTo, CE_LOGOUT_SENT, CE_LOGOUT_OK, CE_LOGOUT_FAILED, CE_LOST, SE_CLOSED, SE_FAILED } from "./fsm";

// T9 (S5->S6) or T10 (S7->S6). Returns false when the session has no connection to carry it.
export function logoutSend(s: Session): bool {
  // A session still recovering when its Logout is due (its drain deadline passed) has no
  // connection to carry it; the target may still hold its old session.
  if (s.flags & SF_RECOVERING) {
    sessionTasksEnd(s, T_ABORTED_BY_LOGOUT, false);
    sessionEnd(s, R_CONNECTION_LOST_BEFORE_RESPONSE, 0, 0);
    return false;
  }
  const st = s.conn == NONE ? 0 : conn(<i32>s.conn).state;
  if (st != S5_LOGGED_IN && st != S7_LOGOUT_REQUESTED) { sessionEnd(s, R_PROTOCOL_ERROR, 0, 0); return false; }
  const c = conn(<i32>s.conn);
  // Whatever is still in flight ends now: the target terminates it with the session (RFC 7143
  // §11.14), and what it still sends for those commands is dropped.
  sessionTasksEnd(s, T_ABORTED_BY_LOGOUT, true);
  if (s.flags & SF_ASK_TIMER) { s.flags &= ~SF_ASK_TIMER; cancelSession(s); }
  const p = pduBegin(c, 0);
  const itt = nextItt(s);
  // Immediate (goes out even with the window closed), F=1, reason 0 (close the session);
  // CmdSN is carried, not advanced.
  stamp(p, 0x46, 0x80, itt, c.cid << 16, s.cmdSN, c.expStatSN);
  pduEnd(0);
  c.itt = itt;
  connTo(c, CE_LOGOUT_SENT);
  setLogoutState(s, LS_SENT);
  armConn(c, CT_LOGOUT, s.logoutMs);
  return true;
}

// A Logout Response on a connection in S6.
export function logoutResponse(c: Conn, s: Session, p: usize): void {
  if (be32(p + 16) != c.itt) { sessionEnd(s, R_PROTOCOL_ERROR, 0, 0); return; }
  const resp = <u32>load<u8>(p, 2);
  const t2w = be16(p + 40), t2r = be16(p + 42);
  if (resp == 0) {
    // T13: logged out, and the session ends now. Its connection leaves it and lingers: the
    // target gets a short grace to close first (so TIME_WAIT stays on its side), then we close.
    connTo(c, CE_LOGOUT_OK);
    c.rxFlags |= FL_STOPPED;
    c.sess = -1;
    s.conn = NONE;
    armConn(c, CT_GRACE, s.graceMs);
    sessionEnd(s, R_LOGGED_OUT, t2w, t2r);
    return;
  }
  if (resp <= 3) {
    sessionEnd(s, resp == 1 ? R_RESPONSE_1_CID_NOT_FOUND : resp == 2 ? R_RESPONSE_2_RECOVERY_UNSUPPORTED
      : R_RESPONSE_3_CLEANUP_FAILED, t2w, t2r);
    return;
  }
  sessionEnd(s, R_PROTOCOL_ERROR, t2w, t2r);
}

// The end of a teardown, whatever ended it (a Logout Response, the timer, FIN, a protocol error,
// the connection lost before its Logout went out): the outcome goes to the operation that held
// the session (or out as an event), then the session is released and counted.
export function sessionEnd(s: Session, reason: u32, t2w: u32, t2r: u32): void {
  const o = s.op;
  const ok = reason == R_LOGGED_OUT;
  if (s.conn != NONE) {
    const c = conn(<i32>s.conn);
    cancelConn(c);
    if (!ok) connTo(c, reason == R_CONNECTION_LOST_BEFORE_RESPONSE ? CE_LOST : CE_LOGOUT_FAILED);   // T17 (from S6)
  }
  sessTo(s, ok ? SE_CLOSED : SE_FAILED);                // N3, N5
  setLogoutState(s, LS_FINISHED);
  const timedOut = o != NONE && op(<i32>o).timedOut != 0;
  const hr = ok ? S_OK : reason == R_TIMEOUT && timedOut ? VDS_E_TIMEOUT : VDS_E_ISCSI_LOGOUT_FAILED;
  if (o != NONE && op(<i32>o).type == ASYNC_LOGOUTFROMTARGET)
    act(ACT_SESSION_RESULT, o, <u32>s.index, reason, hr, t2w, t2r, s.drained, s.aborted);
  else if (!(s.flags & SF_DISCOVERY))
    act(ACT_EVENT, <u32>s.index, EV_SESSION_LOGGED_OUT, reason, t2w, t2r); // a discovery session is no one's
  sessionGone(s);
  if (o != NONE) opSessionEnded(<i32>o, ok);
}

