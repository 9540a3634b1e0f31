// Timers belong to the host; the core only says arm/cancel, with ids it can recognise later.
import { ACT_ARM, ACT_CANCEL, TIMER_CONN, TIMER_OP } from "./codes";
import { act } from "./actions";
import { tget, tset } from "./mem";
import { C_TKIND } from "./tables";

export const CT_NONE: u32 = 0;
export const CT_CONNECT: u32 = 1;
export const CT_LOGIN: u32 = 2;
export const CT_LOGOUT: u32 = 3;
export const CT_GRACE: u32 = 4;
export const CT_TEXT: u32 = 5;
export const CT_KEEPALIVE: u32 = 6;       // S5: time to ping
export const CT_KEEPALIVE_WAIT: u32 = 7;  // S5: a ping is out, waiting for its NOP-In

export function armConn(c: i32, kind: u32, ms: u32): void {
  tset(C_TKIND, c, kind);
  act(ACT_ARM, (TIMER_CONN << 16) | <u32>c, ms);
}
export function cancelConn(c: i32): void {
  if (tget(C_TKIND, c) == CT_NONE) return;
  tset(C_TKIND, c, CT_NONE);
  act(ACT_CANCEL, (TIMER_CONN << 16) | <u32>c);
}
export function armOp(o: i32, ms: u32): void { act(ACT_ARM, (TIMER_OP << 16) | <u32>o, ms); }
export function cancelOp(o: i32): void { act(ACT_CANCEL, (TIMER_OP << 16) | <u32>o); }
