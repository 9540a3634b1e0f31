// Full Feature Phase housekeeping (contract §4): sequence numbers, NOP-In pings, Asynchronous
// Messages and Rejects. After our Logout is on the wire nothing is answered (T14).
import { ACT_EVENT, EV_ASYNC_LOGOUT_REQUEST, EV_ASYNC_DROP_CONNECTION, EV_ASYNC_DROP_ALL,
  EV_ASYNC_RENEGOTIATE, EV_ASYNC_OTHER, EV_REJECT, EV_NOP_ANSWERED, EV_CONNECTION_LOST, EV_KEEPALIVE_TIMEOUT,
  ACT_SESSION_RESULT, VDS_E_ISCSI_LOGOUT_FAILED, R_CONNECTION_LOST_BEFORE_RESPONSE, R_PROTOCOL_ERROR, ASYNC_DISCOVER,
  S5_LOGGED_IN, S6_IN_LOGOUT, S7_LOGOUT_REQUESTED, S8_CLEANUP_WAIT, Q4_FAILED } from "./codes";
import { act } from "./actions";
import { be16, be32, put32, tget, tset, snGt } from "./mem";
import { C_STATE, C_EXPSTATSN, C_CID, C_ITT, C_TKIND, Q_CMDSN, Q_EXPCMDSN, Q_MAXCMDSN, Q_OP, Q_LSTATE, Q_FLAGS,
  Q_STATE, Q_KEEPALIVE, O_TYPE, LS_PENDING, SF_DISCOVERY, NONE, nextItt } from "./tables";
import { OP_NOP_IN, OP_ASYNC, OP_REJECT, OP_LOGOUT_RSP, OP_TEXT_RSP } from "./pdu";
import { pduBegin, pduEnd } from "./send";
import { armConn, CT_KEEPALIVE, CT_KEEPALIVE_WAIT } from "./timers";
import { logoutSend, logoutResponse, sessionFinish } from "./logout";
import { textResponse } from "./login";
import { sessionGone } from "./lifecycle";
import { opSend, opSessionDone } from "./operation";

// StatSN bookkeeping shared by every target PDU after login.
function sequence(c: i32, s: i32, p: usize, op: u32): void {
  const statsn = be32(p + 24);
  const itt = be32(p + 16);
  if (op == OP_NOP_IN && itt == 0xFFFFFFFF) { if (snGt(statsn, tget(C_EXPSTATSN, c))) tset(C_EXPSTATSN, c, statsn); }
  else if (!snGt(tget(C_EXPSTATSN, c), statsn + 1)) tset(C_EXPSTATSN, c, statsn + 1);
  const exp = be32(p + 28), max = be32(p + 32);
  // Window updates only when they are sane (MaxCmdSN >= ExpCmdSN - 1) and move forward.
  if (!snGt(exp - 1, max) && snGt(exp, tget(Q_EXPCMDSN, s) - 1)) { tset(Q_EXPCMDSN, s, exp); tset(Q_MAXCMDSN, s, max); }
}

// The target asks us to log out (AsyncEvent 1 or 4, Reject 0x0C): T11 then T10, at once,
// inside the logout operation that already holds the session when there is one.
function targetWantsLogout(c: i32, s: i32): void {
  if (tget(C_STATE, c) != S5_LOGGED_IN) return;         // T12/T14: already on its way out
  tset(C_STATE, c, S7_LOGOUT_REQUESTED);
  const o = tget(Q_OP, s);
  if (tget(Q_LSTATE, s) == LS_PENDING && o != NONE) opSend(<i32>o, s); else logoutSend(s);
}

// AsyncEvent 2/3: no Logout is sent; the connection is gone (T15) and so is the session.
export function sessionDropped(c: i32, s: i32): void {
  tset(C_STATE, c, S8_CLEANUP_WAIT);
  tset(Q_STATE, s, Q4_FAILED);                          // N5
  const o = tget(Q_OP, s);
  if (o != NONE && tget(Q_LSTATE, s) == LS_PENDING) {
    act(ACT_SESSION_RESULT, o, <u32>s, R_CONNECTION_LOST_BEFORE_RESPONSE, VDS_E_ISCSI_LOGOUT_FAILED, 0, 0);
    sessionGone(s);
    opSessionDone(<i32>o, false, false);
    return;
  }
  act(ACT_EVENT, <u32>s, EV_CONNECTION_LOST, 0, 0, 0);
  sessionGone(s);
  if (o != NONE && tget(O_TYPE, <i32>o) == ASYNC_DISCOVER) opSessionDone(<i32>o, false, false); // ends with its O_HR
}

// NOP-Out keepalive: a ping with a fresh ITT (Immediate, CmdSN not advanced); its NOP-In re-arms.
export function keepalivePing(c: i32, s: i32): void {
  if (tget(C_STATE, c) != S5_LOGGED_IN) return;
  const q = pduBegin(c, 0);
  const itt = nextItt(s);
  store<u8>(q, 0x40); store<u8>(q, 0x80, 1);
  put32(q + 16, itt); put32(q + 20, 0xFFFFFFFF);
  put32(q + 24, tget(Q_CMDSN, s)); put32(q + 28, tget(C_EXPSTATSN, c));
  pduEnd(0);
  tset(C_ITT, c, itt);
  armConn(c, CT_KEEPALIVE_WAIT, tget(Q_KEEPALIVE, s));
}

export function keepaliveLost(c: i32, s: i32): void {
  act(ACT_EVENT, <u32>s, EV_KEEPALIVE_TIMEOUT, 0, 0, 0);
  sessionDropped(c, s);
}

export function ffpPdu(c: i32, s: i32, p: usize, data: usize, dsl: u32): void {
  const op = <u32>load<u8>(p) & 0x3F;
  sequence(c, s, p, op);
  const st = tget(C_STATE, c);
  if (op == OP_LOGOUT_RSP) {
    if (st == S6_IN_LOGOUT) logoutResponse(c, s, p);
    else sessionFinish(s, R_PROTOCOL_ERROR, 0, 0);      // an unsolicited Logout Response
    return;
  }
  if (st == S6_IN_LOGOUT) return;                       // answer nothing after our Logout
  if (op == OP_NOP_IN) {
    const ttt = be32(p + 20);
    if (be32(p + 16) == tget(C_ITT, c) && tget(C_TKIND, c) == CT_KEEPALIVE_WAIT) armConn(c, CT_KEEPALIVE, tget(Q_KEEPALIVE, s));
    if (ttt == 0xFFFFFFFF) return;
    const q = pduBegin(c, 0);
    store<u8>(q, 0x40); store<u8>(q, 0x80, 1);          // NOP-Out, Immediate, ITT reserved
    memory.copy(q + 8, p + 8, 8);                       // LUN copied
    put32(q + 16, 0xFFFFFFFF); put32(q + 20, ttt);
    put32(q + 24, tget(Q_CMDSN, s)); put32(q + 28, tget(C_EXPSTATSN, c));
    pduEnd(0);
    act(ACT_EVENT, <u32>s, EV_NOP_ANSWERED, ttt, 0, 0);
    return;
  }
  if (op == OP_ASYNC) {
    const ev = <u32>load<u8>(p, 36);
    const p1 = be16(p + 38), p2 = be16(p + 40), p3 = be16(p + 42);
    if (ev == 1) { act(ACT_EVENT, <u32>s, EV_ASYNC_LOGOUT_REQUEST, p1, p2, p3); targetWantsLogout(c, s); }
    else if (ev == 2) {
      act(ACT_EVENT, <u32>s, EV_ASYNC_DROP_CONNECTION, p1, p2, p3);
      if (p1 == tget(C_CID, c)) sessionDropped(c, s);
    } else if (ev == 3) { act(ACT_EVENT, <u32>s, EV_ASYNC_DROP_ALL, p1, p2, p3); sessionDropped(c, s); }
    else if (ev == 4) { act(ACT_EVENT, <u32>s, EV_ASYNC_RENEGOTIATE, p1, p2, p3); targetWantsLogout(c, s); }
    else act(ACT_EVENT, <u32>s, EV_ASYNC_OTHER, ev, p1, p3);
    return;
  }
  if (op == OP_REJECT) {
    const reason = <u32>load<u8>(p, 2);
    act(ACT_EVENT, <u32>s, EV_REJECT, reason, 0, 0);
    if (reason == 0x0C) targetWantsLogout(c, s);
    return;
  }
  if (op == OP_TEXT_RSP && (tget(Q_FLAGS, s) & SF_DISCOVERY)) { textResponse(c, s, p, data, dsl); return; }
  // SCSI traffic is not issued by this initiator yet; anything else is ignored, never answered.
}
