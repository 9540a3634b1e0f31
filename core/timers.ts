// Timers belong to the host; the core only says arm/cancel, with ids it can recognise later
// (timerId = kind << 16 | slot). A connection has one timer, whose meaning is its timerKind.
import { ACT_ARM, ACT_CANCEL, TIMER_CONN, TIMER_OP } from "./codes";
import { act } from "./actions";
import { Conn } from "./records";

export const CT_NONE: u32 = 0;
export const CT_CONNECT: u32 = 1;
export const CT_LOGIN: u32 = 2;
export const CT_LOGOUT: u32 = 3;
export const CT_GRACE: u32 = 4;
export const CT_TEXT: u32 = 5;
export const CT_KEEPALIVE: u32 = 6;       // S5: time to ping
export const CT_KEEPALIVE_WAIT: u32 = 7;  // S5: a ping is out, waiting for its NOP-In

export function armConn(c: Conn, kind: u32, ms: u32): void {
  c.timerKind = kind;
  act(ACT_ARM, (TIMER_CONN << 16) | <u32>c.index, ms);
}
export function cancelConn(c: Conn): void {
  if (c.timerKind == CT_NONE) return;
  c.timerKind = CT_NONE;
  act(ACT_CANCEL, (TIMER_CONN << 16) | <u32>c.index);
}
export function armOp(o: i32, ms: u32): void { act(ACT_ARM, (TIMER_OP << 16) | <u32>o, ms); }
export function cancelOp(o: i32): void { act(ACT_CANCEL, (TIMER_OP << 16) | <u32>o); }
