// Ending connections and sessions: the one place that closes a socket and frees a slot, so a
// socket, timer or slot is released exactly once whatever path got there.
import { ACT_CLOSE, ACT_SESSION_GONE } from "./codes";
import { act } from "./actions";
import { tget, tset } from "./mem";
import { C_STATE, Q_CONN, NONE, connFree, sessFree } from "./tables";
import { cancelConn } from "./timers";
import { framerStop } from "./framer";

export function closeConn(c: i32): void {
  if (tget(C_STATE, c) == 0) return;
  cancelConn(c);
  framerStop(c);
  act(ACT_CLOSE, <u32>c);
  connFree(c);
}

export function sessionGone(s: i32): void {
  const c = tget(Q_CONN, s);
  if (c != NONE) closeConn(<i32>c);
  tset(Q_CONN, s, NONE);
  act(ACT_SESSION_GONE, <u32>s);
  sessFree(s);
}
