// Session recovery at ErrorRecoveryLevel 0 (docs/io.md, "Recovery"; RFC 7143 §6.3.5): when the
// connection of a logged-in session fails outside a logout, the session is reinstated by a new
// login with its ISID and TSIH 0 (the target then ends the old session and every task of it),
// commands the target had not answered are sent again, in their order, once it is back, and it
// is given up after its replacement time. Only sessions whose login asked for it recover.
import { ACT_EVENT, EV_SESSION_RECOVERING, EV_SESSION_RECOVERED, EV_SESSION_LOST, T_NOT_REPLAYED,
  T_ABORTED_BY_LOGOUT, R_CONNECTION_LOST_BEFORE_RESPONSE } from "./codes";
import { act, txAlloc } from "./actions";
import { TX } from "./mem";
import { Conn, Session, conn, sess, task, taskCap, tasksUsed, taskItt, strLen, strData, NONE, LS_NONE, SF_DISCOVERY,
  SF_RECOVERING, TS_QUEUED, TS_SENT, TS_ABORTING, TF_REPLAY, TMF_NONE, STR_PORTALS, LS_DRAINING,
  setTaskStage } from "./records";
import { closeConn, sessionGone } from "./lifecycle";
import { taskEnd, taskRelease, sessionTasksEnd } from "./tasks";
import { armReplace, cancelReplace, armReconnect, cancelReconnect } from "./timers";
import { sessTo, SE_GIVEN_UP } from "./fsm";
import { loginOnRecovery, reinstate } from "./login";
import { scsiPump } from "./scsi";
import { sessionEnd } from "./logout";

export function recoveryInit(): void { loginOnRecovery(reinstated, attemptFailed); }

// Whether a session whose connection just failed recovers: its login asked for it, it is no
// discovery session, and no Logout of it is under way or due: it is not leaving, or it is draining
// its commands for a logout (which then waits for the recovery up to its drain deadline).
export function recoverable(s: Session): bool {
  return s.replaceMs != 0 && !(s.flags & SF_DISCOVERY) &&
    (s.lstate == LS_NONE || (s.lstate == LS_DRAINING && s.op != NONE));
}

// The connection c of session s failed (cause: RC_*); the target asked for at least waitMs before
// a new login (AsyncEvent 2/3's Time2Wait), else none.
export function recoverStart(c: Conn, s: Session, cause: u32, waitMs: u32): void {
  act(ACT_EVENT, <u32>s.index, EV_SESSION_RECOVERING, cause, 0, 0);
  closeConn(c);
  s.conn = NONE;
  // The reinstatement ends every task at the target: aborted ones need nothing more, unanswered
  // ones go again unless their caller said they may not.
  for (let i = 0; i < tasksUsed(); i++) {
    const t = task(i);
    if (t.stage == 0 || t.sess != s.index) continue;
    if (t.stage == TS_ABORTING) taskRelease(t);
    else if (t.stage == TS_SENT) {
      if (!(t.flags & TF_REPLAY)) { taskEnd(t, T_NOT_REPLAYED, 0, false); continue; }
      setTaskStage(t, TS_QUEUED);
      t.gen++; t.itt = taskItt(t);
      t.dataIn = 0; t.expDataSN = 0; t.r2tSN = 0; t.burstAt = 0; t.burstEnd = 0;
      t.tmf = TMF_NONE; t.abortItt = NONE;
      t.uaRetries = 0;          // the UNIT ATTENTIONs a reinstatement brings are absorbed afresh
    }
  }
  s.flags |= SF_RECOVERING;
  s.attempts = 0;
  if (s.jitter == 0) s.jitter = load<u32>(s.random, 24) | 1;
  armReplace(s, s.replaceMs);
  armReconnect(s, max(waitMs, delay(s)));
}

// The wait before the next attempt: doubling from delayMin up to delayMax, then 75..125 % of it,
// so many sessions dropped at once do not all come back in the same millisecond.
function delay(s: Session): u32 {
  let d = s.delayMin;
  for (let n: u32 = 0; n < s.attempts && d < s.delayMax; n++) d <<= 1;
  d = min(d, s.delayMax);
  let x = s.jitter;
  x ^= x << 13; x ^= x >> 17; x ^= x << 5;
  s.jitter = x;
  return d - d / 4 + x % (d / 2 + 1);
}

// The portals the session may come back at: NUL-separated in STR_PORTALS, the login's first.
function portalCount(s: Session): u32 {
  const p = strData(s, STR_PORTALS), n = strLen(s, STR_PORTALS);
  if (n == 0) return 0;
  let k: u32 = 1;
  for (let i: u32 = 0; i < n; i++) if (load<u8>(p + i) == 0) k++;
  return k;
}

// The reconnect timer: the next reinstatement attempt, at the next portal in turn.
export function recoveryAttempt(si: i32): void {
  const s = sess(si);
  if (s.state == 0 || !(s.flags & SF_RECOVERING)) return;
  const portals = portalCount(s);
  if (portals == 0 || (s.attemptsMax != 0 && s.attempts >= s.attemptsMax)) { giveUp(s); return; }
  const pick = s.attempts % portals;
  s.attempts++;
  const p = strData(s, STR_PORTALS), n = strLen(s, STR_PORTALS);
  let from: u32 = 0, k: u32 = 0;
  while (k < pick) { if (load<u8>(p + from) == 0) k++; from++; }
  let to = from;
  while (to < n && load<u8>(p + to) != 0) to++;
  const at = txAlloc(to - from);
  if (at < 0) { armReconnect(s, delay(s)); return; }
  memory.copy(TX + at, p + from, to - from);
  s.portalAt = pick;
  if (!reinstate(s, <u32>at, to - from)) attemptFailed(s);
}

function attemptFailed(s: Session): void {
  if (s.attemptsMax != 0 && s.attempts >= s.attemptsMax) { giveUp(s); return; }
  armReconnect(s, delay(s));
}

function reinstated(c: Conn, s: Session): void {
  s.flags &= ~SF_RECOVERING;
  cancelReplace(s);
  act(ACT_EVENT, <u32>s.index, EV_SESSION_RECOVERED, s.attempts, s.tsih, s.portalAt);
  scsiPump(s);
}

// The replacement time ran out (or the attempts did): every command still waiting fails once,
// session-lost, and the session ends (N6).
export function giveUp(s: Session): void {
  if (!(s.flags & SF_RECOVERING)) return;
  act(ACT_EVENT, <u32>s.index, EV_SESSION_LOST, s.attempts, 0, 0);
  recoveryStop(s);
  // Held by a logout while it drained: its outcome goes there.
  if (s.op != NONE) { sessionEnd(s, R_CONNECTION_LOST_BEFORE_RESPONSE, 0, 0); return; }
  sessTo(s, SE_GIVEN_UP);
  sessionGone(s);
}
export function replaceTimer(si: i32): void {
  const s = sess(si);
  if (s.state != 0) giveUp(s);
}

// A recovering session leaves recovery: its timers and any login under way stop.
export function recoveryStop(s: Session): void {
  if (!(s.flags & SF_RECOVERING)) return;
  s.flags &= ~SF_RECOVERING;
  cancelReplace(s);
  cancelReconnect(s);
  if (s.conn != NONE) closeConn(conn(<i32>s.conn));
  s.conn = NONE;
}

// A LogoutFromTarget meets a recovering session: there is no connection to log out on, and the
// target may still hold the old session until its Time2Retain runs out, so it ends as lost before
// its Logout's response; what it was waiting to send ends aborted-by-logout.
export function recoveringLoggedOut(s: Session): void {
  recoveryStop(s);
  // finish() counts aborted-by-logout only for a session in a logout (lstate), which this one is not.
  const live = s.tasks;
  sessionTasksEnd(s, T_ABORTED_BY_LOGOUT, false);
  s.aborted += live - s.tasks;
}
