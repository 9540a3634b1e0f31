// Ending connections, sessions and operations: the one place that closes a socket, frees a
// slot or finishes an operation, so each is released exactly once whatever path got there.
// A session's end inside an operation is only recorded here; settle() (operation.ts) does the
// accounting that follows, once per entry call.
import { ACT_CLOSE, ACT_SESSION_GONE, ACT_OP_DONE, VDS_E_OPERATION_CANCELED, VDS_E_CANCEL_TOO_LATE,
  T_SESSION_LOST } from "./codes";
import { act } from "./actions";
import { Conn, Session, conn, connCap, connsUsed, connLingering, op, markDirty, setLogoutState, NONE, LS_NONE,
  FL_STOPPED, SF_ASK_TIMER, SF_RECOVERING } from "./records";
import { sessionTasksEnd } from "./tasks";
import { cancelConn, cancelOpTimers, cancelSession, cancelReplace, cancelReconnect } from "./timers";
import { connNew, connRelease, sessRelease } from "./fsm";

// A connection for session s. When every record is taken, a lingering one (docs/logout.md) is
// closed early to make room: its grace is a courtesy to the target, a login is the caller's.
export function connOpen(s: i32): Conn | null {
  const c = connNew(s);
  if (c != null) return c;
  for (let i = 0; i < connsUsed(); i++) {
    const r = conn(i);
    if (r.state != 0 && connLingering(r)) { closeConn(r); return connNew(s); }
  }
  return null;
}

export function closeConn(c: Conn): void {
  if (c.state == 0) return;
  cancelConn(c);
  c.rxFlags |= FL_STOPPED;             // late bytes of this socket are ignored
  act(ACT_CLOSE, <u32>c.index);
  connRelease(c);
}

// The release of a session, however it ended: commands still live end session-lost, its
// connection closes, its record goes. Whoever calls it has reported the end already.
export function sessionGone(s: Session): void {
  sessionTasksEnd(s, T_SESSION_LOST, false);
  if (s.flags & SF_ASK_TIMER) { s.flags &= ~SF_ASK_TIMER; cancelSession(s); }
  if (s.flags & SF_RECOVERING) { s.flags &= ~SF_RECOVERING; cancelReplace(s); cancelReconnect(s); }
  if (s.conn != NONE) closeConn(conn(<i32>s.conn));
  s.conn = NONE;
  act(ACT_SESSION_GONE, <u32>s.index);
  setLogoutState(s, LS_NONE);                          // whatever path ended it, its operation's count stays true
  sessRelease(s);
}

export function opFinish(o: i32, hr: u32): void {
  const r = op(o);
  if (r.finished) return;
  r.finished = 1; r.hr = hr; r.percent = 100;
  cancelOpTimers(r);
  // The answer a later cancel() gets is decided now, while the core still knows why it ended.
  const lateCancel = r.cancelled ? VDS_E_OPERATION_CANCELED : VDS_E_CANCEL_TOO_LATE;
  act(ACT_OP_DONE, <u32>o, hr, lateCancel);
  r.type = 0;
}

// A session of operation o reached its end. How many Logouts are on the wire is not counted
// here: setLogoutState keeps that as the session's state changes.
export function opSessionEnded(o: i32, ok: bool): void {
  const r = op(o);
  if (r.type == 0) return;
  r.done++;
  if (ok) r.ok++;
  markDirty(o);
}
