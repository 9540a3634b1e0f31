// Connection events from the host (bytes, FIN, close, timers) routed by connection state.
import { S2_XPT_WAIT, S4_IN_LOGIN, S5_LOGGED_IN, S6_IN_LOGOUT, S7_LOGOUT_REQUESTED, S1_FREE,
  R_CONNECTION_LOST_BEFORE_RESPONSE, R_PROTOCOL_ERROR, R_TIMEOUT, ACT_EVENT, EV_PROTOCOL_ERROR,
  L_PROTOCOL_ERROR, MAX_CONNS } from "./codes";
import { act } from "./actions";
import { tget, tset } from "./mem";
import { C_STATE, C_SESS, C_TKIND, Q_FLAGS, SF_CLOSING } from "./tables";
import { OP_LOGIN_RSP } from "./pdu";
import { loginResponse, loginTimer, loginTransportLost, fail, discoveryTimeout } from "./login";
import { ffpPdu, sessionDropped, keepalivePing, keepaliveLost } from "./ffp";
import { sessionFinish, closingDone } from "./logout";
import { CT_NONE, CT_CONNECT, CT_LOGIN, CT_LOGOUT, CT_GRACE, CT_TEXT, CT_KEEPALIVE, CT_KEEPALIVE_WAIT } from "./timers";
import { framerFeed } from "./framer";
import { sessionGone } from "./lifecycle";

@inline function live(c: i32): bool { return c >= 0 && c < MAX_CONNS && tget(C_STATE, c) != 0; }

// Called by the framer for every valid PDU of a session connection. Returns 0.
export function onPdu(c: i32, p: usize, data: usize, dsl: u32): i32 {
  const st = tget(C_STATE, c);
  const s = <i32>tget(C_SESS, c);
  if (st == S4_IN_LOGIN) {
    if ((<u32>load<u8>(p) & 0x3F) == OP_LOGIN_RSP) loginResponse(c, p, data, dsl);
    else fail(s, L_PROTOCOL_ERROR, 0);
    return 0;
  }
  if (st == S5_LOGGED_IN || st == S6_IN_LOGOUT || st == S7_LOGOUT_REQUESTED) ffpPdu(c, s, p, data, dsl);
  return 0;
}

export function connData(c: i32, src: usize, len: u32): i32 {
  if (!live(c)) return 0;
  const r = framerFeed(c, src, len);
  if (r < 0 && live(c)) protocolError(c, r);
  return r;
}

// Bad bytes from the peer: the framing already stopped; end what the connection carried.
function protocolError(c: i32, err: i32): void {
  const st = tget(C_STATE, c);
  const s = <i32>tget(C_SESS, c);
  if (tget(Q_FLAGS, s) & SF_CLOSING) { closingDone(s); return; }
  if (st == S4_IN_LOGIN || st == S2_XPT_WAIT) { fail(s, L_PROTOCOL_ERROR, 0); return; }
  if (st == S6_IN_LOGOUT) { sessionFinish(s, R_PROTOCOL_ERROR, 0, 0); return; }
  act(ACT_EVENT, <u32>s, EV_PROTOCOL_ERROR, <u32>(-err), 0, 0);
  sessionDropped(c, s);
}

// The peer's FIN (end) or the socket's end (closed); both end a wait at once.
export function connLost(c: i32, connectFailed: bool): void {
  if (!live(c)) return;
  const st = tget(C_STATE, c);
  const s = <i32>tget(C_SESS, c);
  if (tget(Q_FLAGS, s) & SF_CLOSING) { closingDone(s); return; }
  if (st == S2_XPT_WAIT) { loginTransportLost(c, true); return; }
  if (st == S4_IN_LOGIN) { loginTransportLost(c, connectFailed); return; }
  if (st == S6_IN_LOGOUT) { sessionFinish(s, R_CONNECTION_LOST_BEFORE_RESPONSE, 0, 0); return; }
  if (st == S5_LOGGED_IN || st == S7_LOGOUT_REQUESTED) { sessionDropped(c, s); return; }
  sessionGone(s);
}

export function connTimer(c: i32): void {
  if (!live(c)) return;
  const kind = tget(C_TKIND, c);
  const s = <i32>tget(C_SESS, c);
  if (kind == CT_NONE) return;                          // stale: cancelled after it fired
  tset(C_TKIND, c, CT_NONE);                            // it fired: nothing left to cancel
  if (kind == CT_CONNECT) loginTimer(c, true);
  else if (kind == CT_LOGIN) loginTimer(c, false);
  else if (kind == CT_LOGOUT) sessionFinish(s, R_TIMEOUT, 0, 0);   // T17
  else if (kind == CT_GRACE) closingDone(s);
  else if (kind == CT_TEXT) discoveryTimeout(c);
  else if (kind == CT_KEEPALIVE) keepalivePing(c, s);
  else if (kind == CT_KEEPALIVE_WAIT) keepaliveLost(c, s);
}
