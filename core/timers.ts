// Timers belong to the host; the core only says arm/cancel, with ids it can recognise later
// (timerId = kind << 16 | slot). Every id is made here and nowhere else. A connection has one
// timer, whose meaning is its timerKind; a task has one (its own deadline, then its task
// management request's); an operation has its deadline and its drain deadline; a session has
// the limit the target gave when it asked for a logout.
import { ACT_ARM, ACT_CANCEL, TIMER_CONN, TIMER_OP, TIMER_TASK, TIMER_DRAIN, TIMER_SESSION, TIMER_REPLACE,
  TIMER_RECONNECT } from "./codes";
import { act } from "./actions";
import { Conn, Task, Session, Operation } from "./records";

export const CT_NONE: u32 = 0;
export const CT_CONNECT: u32 = 1;
export const CT_LOGIN: u32 = 2;
export const CT_LOGOUT: u32 = 3;
export const CT_GRACE: u32 = 4;
export const CT_TEXT: u32 = 5;
export const CT_KEEPALIVE: u32 = 6;       // S5: time to ping
export const CT_KEEPALIVE_WAIT: u32 = 7;  // S5: a ping is out, waiting for its NOP-In

@inline function id(kind: u32, slot: i32): u32 { return (kind << 16) | <u32>slot; }

export function armConn(c: Conn, kind: u32, ms: u32): void {
  c.timerKind = kind;
  act(ACT_ARM, id(TIMER_CONN, c.index), ms);
}
export function cancelConn(c: Conn): void {
  if (c.timerKind == CT_NONE) return;
  c.timerKind = CT_NONE;
  act(ACT_CANCEL, id(TIMER_CONN, c.index));
}

export function armTask(t: Task, ms: u32): void { act(ACT_ARM, id(TIMER_TASK, t.index), ms); }
export function cancelTask(t: Task): void { act(ACT_CANCEL, id(TIMER_TASK, t.index)); }

export function armOp(r: Operation, ms: u32): void { act(ACT_ARM, id(TIMER_OP, r.index), ms); }
export function armDrain(r: Operation): void {
  if (r.drainArmed) return;
  r.drainArmed = 1;
  act(ACT_ARM, id(TIMER_DRAIN, r.index), r.drainMs);
}
// Everything an operation armed, when it finishes.
export function cancelOpTimers(r: Operation): void {
  act(ACT_CANCEL, id(TIMER_OP, r.index));
  if (r.drainArmed == 1) { r.drainArmed = 2; act(ACT_CANCEL, id(TIMER_DRAIN, r.index)); }
}
// The drain deadline fired: nothing left to cancel, and it is not armed again.
export function drainFired(r: Operation): void { r.drainArmed = 2; }

export function armSession(s: Session, ms: u32): void { act(ACT_ARM, id(TIMER_SESSION, s.index), ms); }
export function cancelSession(s: Session): void { act(ACT_CANCEL, id(TIMER_SESSION, s.index)); }

// A recovering session's two timers: its replacement time and its next attempt.
// `hold` (the third field): while it is armed the host keeps the process alive, as an open socket
// would, so a program waiting on a recovering session's command does not exit before it ends.
export function armReplace(s: Session, ms: u32): void { act(ACT_ARM, id(TIMER_REPLACE, s.index), ms, 1); }
export function cancelReplace(s: Session): void { act(ACT_CANCEL, id(TIMER_REPLACE, s.index)); }
export function armReconnect(s: Session, ms: u32): void { act(ACT_ARM, id(TIMER_RECONNECT, s.index), ms); }
export function cancelReconnect(s: Session): void { act(ACT_CANCEL, id(TIMER_RECONNECT, s.index)); }
