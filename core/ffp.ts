// Full Feature Phase housekeeping (docs/events.md): sequence numbers, NOP-In pings,
// Asynchronous Messages and Rejects. After our Logout is on the wire nothing is answered (T14).
import { RC_PING_TIMEOUT, RC_TARGET_DROP, RC_TASK_MANAGEMENT, RC_PROTOCOL_ERROR } from "./codes";
import { ACT_EVENT, EV_ASYNC_LOGOUT_REQUEST, EV_ASYNC_DROP_CONNECTION, EV_ASYNC_DROP_ALL,
  EV_ASYNC_RENEGOTIATE, EV_ASYNC_OTHER, EV_REJECT, EV_NOP_ANSWERED, EV_CONNECTION_LOST, EV_KEEPALIVE_TIMEOUT,
  ACT_SESSION_RESULT, VDS_E_ISCSI_LOGOUT_FAILED, R_CONNECTION_LOST_BEFORE_RESPONSE, R_PROTOCOL_ERROR, ASYNC_DISCOVER,
  S5_LOGGED_IN, S6_IN_LOGOUT, S7_LOGOUT_REQUESTED, S8_CLEANUP_WAIT, Q4_FAILED, EV_PROTOCOL_ERROR,
  ERR_BAD_FIELD } from "./codes";
import { act } from "./actions";
import { be16, be32, snGt } from "./mem";
import { Conn, Session, op, conn, sess, task, taskCap, nextItt, setLogoutState, NONE, LS_NONE, LS_PENDING, LS_DRAINING,
  SF_DISCOVERY,
  SF_ASKED, SF_ASK_TIMER } from "./records";
import { OP_NOP_IN, OP_ASYNC, OP_REJECT, OP_LOGOUT_RSP, OP_TEXT_RSP, OP_DATA_IN, OP_R2T, OP_SCSI_RSP,
  OP_TMF_RSP } from "./pdu";
import { scsiPump, scsiResponse, scsiRejected, r2t, tmfResponse, dataInHeader, taskTimer } from "./scsi";
import { pduBegin, pduEnd, stamp } from "./send";
import { armConn, armSession, CT_KEEPALIVE, CT_KEEPALIVE_WAIT } from "./timers";
import { logoutSend, logoutResponse, sessionEnd } from "./logout";
import { textResponse, discoveryWindowMoved } from "./discovery";
import { connTo, sessTo, CE_TARGET_ASKS, CE_LOST, SE_FAILED } from "./fsm";
import { recoverable, recoverStart } from "./recovery";
import { sessionGone, opSessionEnded } from "./lifecycle";

// StatSN and the command window, from every target PDU after login. An unsolicited NOP-In and
// an R2T carry the next StatSN without advancing it; a Data-In carries one only with its S bit.
export function sequence(c: Conn, s: Session, p: usize, op: u32): void {
  const statsn = be32(p + 24);
  if ((op == OP_NOP_IN && be32(p + 16) == 0xFFFFFFFF) || op == OP_R2T) {
    if (snGt(statsn, c.expStatSN)) c.expStatSN = statsn;
  } else if (op != OP_DATA_IN || (<u32>load<u8>(p, 1) & 0x01)) {
    if (!snGt(c.expStatSN, statsn + 1)) c.expStatSN = statsn + 1;
  }
  // RFC 7143 §4.2.2.1: ignored unless sane (MaxCmdSN >= ExpCmdSN - 1); each moves only forward.
  const exp = be32(p + 28), max = be32(p + 32);
  if (snGt(exp - 1, max)) return;
  if (snGt(exp, s.expCmdSN)) s.expCmdSN = exp;
  if (snGt(max, s.maxCmdSN)) s.maxCmdSN = max;
  if (s.tasks) scsiPump(s);
}

// The target asks us to log out (AsyncEvent 1 or 4, Reject 0x0C): T11, then T10 once the
// session's commands have ended or `limitMs` ran out (0: at once), whether or not a logout
// operation holds the session. The drain is the session's own, so it never touches an
// operation's accounting; a logout operation that holds it still gets its outcome.
function targetWantsLogout(c: Conn, s: Session, limitMs: u32): void {
  if (!connTo(c, CE_TARGET_ASKS)) return;               // T12/T14: already on its way out
  s.flags |= SF_ASKED;
  if (s.tasks == 0 || limitMs == 0) { logoutSend(s); return; }
  if (s.lstate == LS_NONE || s.lstate == LS_PENDING) setLogoutState(s, LS_DRAINING);
  s.flags |= SF_ASK_TIMER;
  armSession(s, limitMs);
}

// The limit the target gave ran out: the session logs out now; its commands end aborted-by-logout.
export function askedLimit(si: i32): void {
  const s = sess(si);
  if (s.state == 0 || !(s.flags & SF_ASK_TIMER)) return;
  s.flags &= ~SF_ASK_TIMER;
  if (s.lstate == LS_DRAINING) logoutSend(s);
}

// The connection failed outside our teardown (transport lost, AsyncEvent 2/3, a protocol error,
// task management that gave up; cause RC_*): no Logout is sent; T15 (T16 from S7), N5. A session
// that was waiting for its Logout in an operation ends there as lost before the response; one
// whose login asked for recovery is reinstated (recovery.ts); any other ends.
export function sessionLost(c: Conn, s: Session, cause: u32, waitMs: u32 = 0): void {
  connTo(c, CE_LOST);
  sessTo(s, SE_FAILED);
  const o = s.op;
  if (recoverable(s)) { recoverStart(c, s, cause, waitMs); return; }
  if (o != NONE && (s.lstate == LS_PENDING || s.lstate == LS_DRAINING)) {
    sessionEnd(s, R_CONNECTION_LOST_BEFORE_RESPONSE, 0, 0); return;
  }
  act(ACT_EVENT, <u32>s.index, EV_CONNECTION_LOST, 0, 0, 0);
  sessionGone(s);
  if (o != NONE && op(<i32>o).type == ASYNC_DISCOVER) opSessionEnded(<i32>o, false); // ends with its recorded hr
}

// NOP-Out keepalive: a ping with a fresh ITT (Immediate, CmdSN not advanced); its NOP-In re-arms.
export function keepalivePing(c: Conn, s: Session): void {
  if (c.state != S5_LOGGED_IN) return;
  // Waiting behind a logout's concurrency cap: the session is leaving, so no ping goes out, but
  // the cycle goes on in case a cancel leaves it logged in.
  if (s.lstate == LS_PENDING || s.lstate == LS_DRAINING) { armConn(c, CT_KEEPALIVE, s.keepaliveMs); return; }
  const q = pduBegin(c, 0);
  const itt = nextItt(s);
  stamp(q, 0x40, 0x80, itt, 0xFFFFFFFF, s.cmdSN, c.expStatSN);
  pduEnd(0);
  c.itt = itt;
  armConn(c, CT_KEEPALIVE_WAIT, s.noopWaitMs != 0 ? s.noopWaitMs : s.keepaliveMs);
}

export function keepaliveLost(c: Conn, s: Session): void {
  act(ACT_EVENT, <u32>s.index, EV_KEEPALIVE_TIMEOUT, 0, 0, 0);
  sessionLost(c, s, RC_PING_TIMEOUT);
}

export function ffpPdu(c: Conn, s: Session, p: usize, data: usize, dsl: u32): void {
  const op = <u32>load<u8>(p) & 0x3F;
  const expected = c.expStatSN;
  sequence(c, s, p, op);
  const st = c.state;
  if (op == OP_LOGOUT_RSP) {
    // Our Logout's answer, carrying the StatSN we expect next; anything else is an error.
    if (st == S6_IN_LOGOUT && be32(p + 24) == expected) logoutResponse(c, s, p);
    else sessionEnd(s, R_PROTOCOL_ERROR, 0, 0);
    return;
  }
  if (st == S6_IN_LOGOUT) {
    // A Reject of our Logout (its header comes back as the data) will never be answered.
    if (op == OP_REJECT && dsl >= 48 && be32(data + 16) == c.itt) sessionEnd(s, R_PROTOCOL_ERROR, 0, 0);
    return;                                             // answer nothing after our Logout
  }
  if (s.textPending && op != OP_TEXT_RSP) discoveryWindowMoved(c, s);
  if (op == OP_NOP_IN) {
    const ttt = be32(p + 20);
    if (be32(p + 16) == c.itt && c.timerKind == CT_KEEPALIVE_WAIT) armConn(c, CT_KEEPALIVE, s.keepaliveMs);
    if (ttt == 0xFFFFFFFF) return;
    const q = pduBegin(c, 0);
    stamp(q, 0x40, 0x80, 0xFFFFFFFF, ttt, s.cmdSN, c.expStatSN);   // NOP-Out, Immediate, ITT reserved
    memory.copy(q + 8, p + 8, 8);                       // LUN copied
    pduEnd(0);
    act(ACT_EVENT, <u32>s.index, EV_NOP_ANSWERED, ttt, 0, 0);
    return;
  }
  if (op == OP_ASYNC) {
    const ev = <u32>load<u8>(p, 36);
    const p1 = be16(p + 38), p2 = be16(p + 40), p3 = be16(p + 42);
    // Parameter3: the seconds the target gives us to log out (event 1) or renegotiate (event 4).
    if (ev == 1) {
      act(ACT_EVENT, <u32>s.index, EV_ASYNC_LOGOUT_REQUEST, p1, p2, p3);
      targetWantsLogout(c, s, p3 * 1000);
    } else if (ev == 2) {
      act(ACT_EVENT, <u32>s.index, EV_ASYNC_DROP_CONNECTION, p1, p2, p3);
      if (p1 == c.cid) sessionLost(c, s, RC_TARGET_DROP, p2 * 1000);   // Parameter2: Time2Wait
    } else if (ev == 3) {
      act(ACT_EVENT, <u32>s.index, EV_ASYNC_DROP_ALL, p1, p2, p3);
      sessionLost(c, s, RC_TARGET_DROP, p2 * 1000);
    }
    else if (ev == 4) {
      act(ACT_EVENT, <u32>s.index, EV_ASYNC_RENEGOTIATE, p1, p2, p3);
      targetWantsLogout(c, s, p3 * 1000);
    } else act(ACT_EVENT, <u32>s.index, EV_ASYNC_OTHER, ev, p1, p2, p3);
    return;
  }
  if (op == OP_REJECT) {
    const reason = <u32>load<u8>(p, 2);
    act(ACT_EVENT, <u32>s.index, EV_REJECT, reason, 0, 0);
    if (dsl >= 48 && !scsiRejected(s, reason, data)) { sessionLost(c, s, RC_TASK_MANAGEMENT); return; }
    // 0x0C: the target waits for our Logout and takes no command before it.
    if (reason == 0x0C) targetWantsLogout(c, s, 0);
    return;
  }
  if (op == OP_TEXT_RSP && (s.flags & SF_DISCOVERY)) { textResponse(c, s, p, data, dsl); return; }
  if (op == OP_SCSI_RSP) { if (!scsiResponse(c, s, p, data, dsl)) scsiBroken(c, s); return; }
  if (op == OP_R2T) { if (!r2t(c, s, p)) scsiBroken(c, s); return; }
  if (op == OP_TMF_RSP) { if (!tmfResponse(s, p)) sessionLost(c, s, RC_TASK_MANAGEMENT); return; }
  // Anything else is ignored, never answered.
}

// A Data-In streamed to its task (the framer hands on its header, pieces and end).
export function ffpDataIn(c: Conn, s: Session, p: usize): void {
  sequence(c, s, p, OP_DATA_IN);
  if (!dataInHeader(c, s, p)) scsiBroken(c, s);
}

// A task's timer fired; task management that got no answer in time ends with the connection.
export function taskTimerFired(ti: i32): void {
  if (ti < 0 || ti >= taskCap()) return;
  const si = task(ti).sess;
  if (!taskTimer(ti)) { const s = sess(si); sessionLost(conn(<i32>s.conn), s, RC_TASK_MANAGEMENT); }
}

// A Data-In, R2T or SCSI Response for an ITT we do not have, out of order or out of bounds:
// the session cannot be trusted with data any more and is dropped; its commands end session-lost.
function scsiBroken(c: Conn, s: Session): void {
  if (c.state == S6_IN_LOGOUT) { sessionEnd(s, R_PROTOCOL_ERROR, 0, 0); return; }
  act(ACT_EVENT, <u32>s.index, EV_PROTOCOL_ERROR, <u32>(-ERR_BAD_FIELD), 0, 0);
  sessionLost(c, s, RC_PROTOCOL_ERROR);
}
