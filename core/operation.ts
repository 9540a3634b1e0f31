// Operations (the IVdsAsync behind a handle, docs/handle.md): progress, cancel, deadline, the
// aggregate HRESULT and the pump of the next Logouts. Lower layers only record that a session
// ended; settle() does the accounting once per entry call, just before it returns.
import { S_OK, ACT_PROGRESS, ACT_SESSION_RESULT, ACT_JOINED, ASYNC_LOGOUTFROMTARGET, ASYNC_DISCOVER,
  VDS_E_OPERATION_PENDING, VDS_E_OPERATION_CANCELED, VDS_E_CANCEL_TOO_LATE, VDS_E_TIMEOUT,
  VDS_E_ISCSI_LOGOUT_FAILED, VDS_E_ISCSI_LOGOUT_INCOMPLETE, VDS_E_ISCSI_SESSION_NOT_FOUND,
  VDS_E_OBJECT_NOT_FOUND, E_INVALIDARG,
  Q3_LOGGED_IN, S5_LOGGED_IN, R_CANCELLED_BEFORE_SEND, R_TIMEOUT, R_BUSY, INFLIGHT_DRAIN,
  INFLIGHT_REFUSE, R_CONNECTION_LOST_BEFORE_RESPONSE } from "./codes";
import { act } from "./actions";
import { Operation, Session, sessionCap, sessionsUsed, opCap, opsUsed, targetCap, op, opLive, opAlloc, sess, conn,
  targetLive, takeDirty, markDirty, takeSessionsDirty, markSessionsDirty, LS_DRAINING, NONE, LS_NONE, LS_PENDING,
  LS_SENT, SF_DISCOVERY, SF_ASKED, SF_RECOVERING, setLogoutState } from "./records";
import { armOp, armDrain, drainFired } from "./timers";
import { opFinish, sessionGone } from "./lifecycle";
import { logoutSend, sessionEnd } from "./logout";
import { recoveringLoggedOut } from "./recovery";
import { durationOk, cancelLogin } from "./login";

function progress(r: Operation): void {
  let pct: u32 = r.total == 0 ? 0 : r.done * 100 / r.total;
  if (pct > 99) pct = 99;
  if (pct > r.percent) { r.percent = pct; act(ACT_PROGRESS, <u32>r.index, pct); }
}

function aggregate(r: Operation): u32 {
  if (r.cancelled) return VDS_E_OPERATION_CANCELED;
  if (r.timedOut) return VDS_E_TIMEOUT;
  if (r.ok == r.total) return S_OK;
  return r.ok == 0 ? VDS_E_ISCSI_LOGOUT_FAILED : VDS_E_ISCSI_LOGOUT_INCOMPLETE;
}

// Starts Logouts until the concurrency cap is reached or nothing is pending. Both counts come
// from setLogoutState, the one place a session's logout progress changes: what is on the wire
// (r.onWire), and the lowest index that may be pending (r.nextPending).
function pump(r: Operation): void {
  if (r.cancelled || r.timedOut) return;
  let i = <i32>r.nextPending;
  r.nextPending = <u32>sessionCap();                  // a session turning pending meanwhile lowers it
  for (; i < sessionsUsed() && r.onWire < r.concurrency; i++) {
    const s = sess(i);
    if (s.state == 0 || s.op != <u32>r.index || s.lstate != LS_PENDING) continue;
    logoutSend(s);
  }
  if (<u32>i < r.nextPending) r.nextPending = <u32>i;
}

// Sessions the target asked to log out, whose drain just ended: their Logout goes now, outside
// any operation's cap (the target set the limit).
function pumpAsked(): void {
  for (let i = 0; i < sessionsUsed(); i++) {
    const s = sess(i);
    if (s.state != 0 && s.lstate == LS_PENDING && (s.op == NONE || (s.flags & SF_ASKED))) logoutSend(s);
  }
}

// After every entry call: operations whose sessions ended inside it finish, report progress
// or start their next Logouts. Starting one can end a session at once, hence the loop.
export function settle(): void {
  while (takeDirty()) {
    if (takeSessionsDirty()) pumpAsked();
    for (let i = 0; i < opsUsed(); i++) {
      const r = op(i);
      if (r.type == 0 || !r.dirty) continue;
      r.dirty = 0;
      if (r.type == ASYNC_DISCOVER) { opFinish(i, r.hr); continue; }
      if (r.type != ASYNC_LOGOUTFROMTARGET) continue;
      if (r.done >= r.total) { opFinish(i, aggregate(r)); continue; }
      progress(r);
      pump(r);
    }
  }
}

// A logout still going to log every session out: one not cancelled and not past its deadline.
function joinableLogoutFor(t: u32): i32 {
  for (let o = 0; o < opsUsed(); o++) {
    const r = op(o);
    if (r.type == ASYNC_LOGOUTFROMTARGET && r.target == t && !r.finished && !r.cancelled && !r.timedOut) return o;
  }
  return -1;
}

// LogoutFromTarget. target: a slot, -1 = well-formed id naming no known target, -2 = malformed id.
// Returns the operation slot (already finished for the up-front failures), or -1 when no slot is
// free. Joining a running logout is said explicitly (ACT_JOINED): each session still gets
// exactly one Logout on the wire.
export function logoutStart(target: i32, logoutMs: u32, concurrency: u32, deadlineMs: u32, graceMs: u32, policy: u32,
    drainMs: u32): i32 {
  if (targetLive(target)) {
    const running = joinableLogoutFor(<u32>target);
    if (running >= 0) {
      // Joined: sessions that logged in since the running logout began are taken in too.
      const j = op(running);
      j.holders++;
      act(ACT_JOINED, <u32>running);
      j.total += enroll(j, true);
      pump(j);
      return running;
    }
  }
  const r = opAlloc(ASYNC_LOGOUTFROMTARGET);
  if (r == null) return -1;
  const o = r.index;
  if (target == -2 || target < -2 || target >= targetCap() || !durationOk(logoutMs, false) || concurrency == 0 ||
      concurrency > <u32>sessionCap() || !durationOk(deadlineMs, true) || !durationOk(graceMs, true) ||
      policy > INFLIGHT_REFUSE || !durationOk(drainMs, false)) { opFinish(o, E_INVALIDARG); return o; }
  if (!targetLive(target)) { opFinish(o, VDS_E_OBJECT_NOT_FOUND); return o; }
  r.target = <u32>target; r.concurrency = concurrency; r.inflightPolicy = policy;
  r.logoutMs = logoutMs; r.graceMs = graceMs; r.drainMs = drainMs;
  r.total = enroll(r, false);
  if (r.total == 0) { opFinish(o, VDS_E_ISCSI_SESSION_NOT_FOUND); return o; }
  if (r.done >= r.total) { opFinish(o, aggregate(r)); return o; }
  if (deadlineMs > 0) armOp(r, deadlineMs);
  pump(r);
  return o;
}

// Takes every logged-in session to r's target that no operation holds into r; returns how many.
// Joining takes only sessions r has not already reported (refused as busy).
function enroll(r: Operation, joining: bool): u32 {
  let n: u32 = 0;
  for (let i = 0; i < sessionsUsed(); i++) {
    const s = sess(i);
    if (s.state == 0 || s.target != r.target) continue;
    if (joining && s.busyIn == <u32>r.index + 1) continue;   // this operation already reported it
    // A recovering session is one of the target's sessions: its recovery stops, and as the target
    // may still hold the old session (until its Time2Retain), it counts as not logged out.
    if ((s.flags & SF_RECOVERING) && s.op == NONE) {
      n++;
      s.drained = 0; s.aborted = 0;
      recoveringLoggedOut(s);
      act(ACT_SESSION_RESULT, <u32>r.index, <u32>i, R_CONNECTION_LOST_BEFORE_RESPONSE, VDS_E_ISCSI_LOGOUT_FAILED, 0, 0,
        0, s.aborted);
      sessionGone(s);
      r.done++;
      continue;
    }
    if (s.state != Q3_LOGGED_IN) continue;
    if (s.flags & SF_DISCOVERY) continue;
    if (s.lstate != LS_NONE || s.op != NONE) continue;
    if (s.conn == NONE || conn(<i32>s.conn).state != S5_LOGGED_IN) continue;
    n++;
    s.drained = 0; s.aborted = 0; s.busyIn = 0;
    // 'refuse': a session with commands in flight stays logged in, as Windows does for a
    // device in use.
    if ((s.tasks || s.holds) && r.inflightPolicy == INFLIGHT_REFUSE) {
      act(ACT_SESSION_RESULT, <u32>r.index, <u32>i, R_BUSY, VDS_E_ISCSI_LOGOUT_FAILED, 0, 0, 0, 0);
      s.busyIn = <u32>r.index + 1;
      r.done++;
      continue;
    }
    s.op = <u32>r.index; setLogoutState(s, LS_PENDING);
    s.logoutMs = r.logoutMs; s.graceMs = r.graceMs;
    // 'drain': its commands run to their end (bounded by drainMs) before its Logout goes out;
    // a session joining after the drain deadline passed has no drain left.
    if ((s.tasks || s.holds) && r.inflightPolicy == INFLIGHT_DRAIN && r.drainArmed != 2) {
      setLogoutState(s, LS_DRAINING);
      armDrain(r);
    }
  }
  return n;
}

@inline function unsent(s: Session): bool { return s.lstate == LS_PENDING || s.lstate == LS_DRAINING; }

// Unsent sessions leave the operation still logged in, with `reason`; commands they were
// draining go on. One the target asked to log out goes on doing so, on its own.
function releasePending(r: Operation, reason: u32, hr: u32): void {
  for (let i = 0; i < sessionsUsed(); i++) {
    const s = sess(i);
    if (s.state == 0 || s.op != <u32>r.index || !unsent(s)) continue;
    s.op = NONE;
    if (!(s.flags & SF_ASKED)) setLogoutState(s, LS_NONE);
    else if (s.lstate == LS_PENDING) markSessionsDirty();
    act(ACT_SESSION_RESULT, <u32>r.index, <u32>i, reason, hr, 0, 0, s.drained, s.aborted);
    r.done++;
  }
}

// A logout shared by joined callers stops only when every one of them has asked: until then a
// cancel() answers VDS_E_CANCEL_TOO_LATE (another caller still relies on the logout) and counts.
export function opCancel(o: i32): u32 {
  if (!opLive(o) || op(o).finished) return VDS_E_CANCEL_TOO_LATE;
  const r = op(o);
  if (r.cancelled) return VDS_E_OPERATION_CANCELED;
  if (r.type != ASYNC_LOGOUTFROMTARGET) return cancelLogin(r);
  let pending = false;
  for (let i = 0; i < sessionsUsed() && !pending; i++) {
    const s = sess(i);
    pending = s.state != 0 && s.op == <u32>o && unsent(s);
  }
  if (!pending) return VDS_E_CANCEL_TOO_LATE;
  if (++r.cancelVotes < r.holders) return VDS_E_CANCEL_TOO_LATE;
  r.cancelled = 1;
  releasePending(r, R_CANCELLED_BEFORE_SEND, VDS_E_OPERATION_CANCELED);
  if (r.done >= r.total) opFinish(o, aggregate(r)); else progress(r);
  return S_OK;
}

// The whole-operation deadline: unsent sessions stay logged in, in-flight ones are torn down now.
export function opDeadline(o: i32): void {
  if (!opLive(o) || op(o).finished) return;
  const r = op(o);
  r.timedOut = 1;
  if (r.type != ASYNC_LOGOUTFROMTARGET) return;       // only a logout arms a deadline (logoutStart)
  releasePending(r, R_TIMEOUT, VDS_E_TIMEOUT);
  for (let i = 0; i < sessionsUsed(); i++) {
    const s = sess(i);
    if (s.state == 0 || s.op != <u32>o || s.lstate != LS_SENT) continue;
    sessionEnd(s, R_TIMEOUT, 0, 0);
  }
  if (r.type != 0 && r.done >= r.total) opFinish(o, aggregate(r));
}

// The drain deadline: sessions still draining log out now; their commands end aborted-by-logout.
export function opDrainDeadline(o: i32): void {
  if (!opLive(o) || op(o).finished) return;
  drainFired(op(o));
  for (let i = 0; i < sessionsUsed(); i++) {
    const s = sess(i);
    if (s.state != 0 && s.op == <u32>o && s.lstate == LS_DRAINING) { setLogoutState(s, LS_PENDING); markDirty(o); }
  }
}

export function opStatus(o: i32): u32 {
  if (!opLive(o)) return E_INVALIDARG;
  return op(o).finished ? op(o).hr : VDS_E_OPERATION_PENDING;
}
export function opPercent(o: i32): u32 { return o < 0 || o >= opCap() ? 0 : op(o).percent; }
export function opTotal(o: i32): u32 { return o < 0 || o >= opCap() ? 0 : op(o).total; }
