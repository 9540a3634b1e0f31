// Connection events from the host (bytes, FIN, close, timers) routed by connection state to
// the login, full-feature and logout handlers below it.
import { S2_XPT_WAIT, S4_IN_LOGIN, S5_LOGGED_IN, S6_IN_LOGOUT, S7_LOGOUT_REQUESTED,
  R_CONNECTION_LOST_BEFORE_RESPONSE, R_PROTOCOL_ERROR, R_TIMEOUT, ACT_EVENT, EV_PROTOCOL_ERROR,
  L_PROTOCOL_ERROR, LP_FRAMING, LP_NOT_LOGIN, RC_PROTOCOL_ERROR, RC_TRANSPORT } from "./codes";
import { act } from "./actions";
import { Conn, conn, connLive, connLingering, sess } from "./records";
import { OP_LOGIN_RSP } from "./pdu";
import { loginResponse, loginTimer, loginTransportLost, fail } from "./login";
import { discoveryTimeout } from "./discovery";
import { ffpPdu, ffpDataIn, sessionLost, keepalivePing, keepaliveLost } from "./ffp";
import { dataInPiece, dataInEnd } from "./scsi";
import { sessionEnd } from "./logout";
import { CT_NONE, CT_CONNECT, CT_LOGIN, CT_LOGOUT, CT_TEXT, CT_KEEPALIVE, CT_KEEPALIVE_WAIT } from "./timers";
import { framerFeed, framerOnPdu } from "./framer";
import { sessionGone, closeConn } from "./lifecycle";

// Every valid PDU of a session connection, registered with the framer at start-up.
function onPdu(c: Conn, p: usize, data: usize, dsl: u32): void {
  const st = c.state;
  const s = sess(c.sess);
  if (st == S4_IN_LOGIN) {
    if ((<u32>load<u8>(p) & 0x3F) == OP_LOGIN_RSP) loginResponse(c, p, data, dsl);
    else fail(s, L_PROTOCOL_ERROR, 0, LP_NOT_LOGIN);
    return;
  }
  if (st == S5_LOGGED_IN || st == S6_IN_LOGOUT || st == S7_LOGOUT_REQUESTED) ffpPdu(c, s, p, data, dsl);
}
// A streamed Data-In belongs to full feature; during login it is a protocol error.
function onDataInHeader(c: Conn, p: usize): void {
  const st = c.state;
  if (st == S5_LOGGED_IN || st == S6_IN_LOGOUT || st == S7_LOGOUT_REQUESTED) ffpDataIn(c, sess(c.sess), p);
  else fail(sess(c.sess), L_PROTOCOL_ERROR, 0, LP_NOT_LOGIN);
}
export function connInit(): void { framerOnPdu(onPdu, onDataInHeader, dataInPiece, dataInEnd); }

export function connData(ci: i32, src: usize, len: u32): void {
  if (!connLive(ci)) return;
  const c = conn(ci);
  const r = framerFeed(c, src, len);
  if (r < 0 && c.state != 0) protocolError(c, r);
}

// Bad bytes from the peer: the framing already stopped; end what the connection carried.
function protocolError(c: Conn, err: i32): void {
  if (connLingering(c)) { closeConn(c); return; }
  const st = c.state;
  const s = sess(c.sess);
  if (st == S4_IN_LOGIN || st == S2_XPT_WAIT) { fail(s, L_PROTOCOL_ERROR, 0, LP_FRAMING); return; }
  if (st == S6_IN_LOGOUT) { sessionEnd(s, R_PROTOCOL_ERROR, 0, 0); return; }
  act(ACT_EVENT, <u32>s.index, EV_PROTOCOL_ERROR, <u32>(-err), 0, 0);
  sessionLost(c, s, RC_PROTOCOL_ERROR);
}

// The peer's FIN (end) or the socket's end (closed); both end a wait at once.
export function connLost(ci: i32, connectFailed: bool): void {
  if (!connLive(ci)) return;
  const c = conn(ci);
  if (connLingering(c)) { closeConn(c); return; }
  const st = c.state;
  const s = sess(c.sess);
  if (st == S2_XPT_WAIT) { loginTransportLost(c, true); return; }
  if (st == S4_IN_LOGIN) { loginTransportLost(c, connectFailed); return; }
  if (st == S6_IN_LOGOUT) { sessionEnd(s, R_CONNECTION_LOST_BEFORE_RESPONSE, 0, 0); return; }
  if (st == S5_LOGGED_IN || st == S7_LOGOUT_REQUESTED) { sessionLost(c, s, RC_TRANSPORT); return; }
  sessionGone(s);
}

export function connTimer(ci: i32): void {
  if (!connLive(ci)) return;
  const c = conn(ci);
  const kind = c.timerKind;
  if (kind == CT_NONE) return;                          // stale: cancelled after it fired
  c.timerKind = CT_NONE;                                // it fired: nothing left to cancel
  if (connLingering(c)) { closeConn(c); return; }       // its grace ran out
  const s = sess(c.sess);
  if (kind == CT_CONNECT || kind == CT_LOGIN) loginTimer(c);
  else if (kind == CT_LOGOUT) sessionEnd(s, R_TIMEOUT, 0, 0);   // T17
  else if (kind == CT_TEXT) discoveryTimeout(c);
  else if (kind == CT_KEEPALIVE) keepalivePing(c, s);
  else if (kind == CT_KEEPALIVE_WAIT) keepaliveLost(c, s);
}
