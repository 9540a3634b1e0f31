// The connection (RFC 7143 §8.1.3) and session (§8.3) state machines as one table (h11's
// pattern): (state, event) -> (next state, transition). connTo() and sessTo() are the only
// writers of Conn.state and Session.state (test/fsm-writers.test.ts checks it); a pair the
// table does not hold changes nothing and answers false, so the table also says which events a
// state takes (a second logout request in S7 or S6 is T12/T14: nothing happens). Every
// transition taken is written to a small log the tests read (docs/core.md).
import { S1_FREE, S2_XPT_WAIT, S4_IN_LOGIN, S5_LOGGED_IN, S6_IN_LOGOUT, S7_LOGOUT_REQUESTED, S8_CLEANUP_WAIT,
  Q1_FREE, Q3_LOGGED_IN, Q4_FAILED } from "./codes";
import { Conn, Session, connAlloc, connFree, sessAlloc } from "./records";

// ---- what happens to a connection
export const CE_CONNECT: u32 = 1;        // a transport is asked for
export const CE_UP: u32 = 2;             // the transport is up: the Login starts
export const CE_LOGIN_OK: u32 = 3;       // the final Login Response said success
export const CE_LOGIN_FAILED: u32 = 4;   // connect or login failed, timed out or was given up
export const CE_LOGOUT_SENT: u32 = 5;    // our Logout went out
export const CE_TARGET_ASKS: u32 = 6;    // the target asked for a logout (AsyncEvent 1 or 4, Reject 0x0C)
export const CE_LOGOUT_OK: u32 = 7;      // Logout Response 0
export const CE_LOGOUT_FAILED: u32 = 8;  // Logout Response 1-3, no response in time, a protocol error
export const CE_LOST: u32 = 9;           // transport lost, AsyncEvent 2/3, a protocol error, task management gave up
// ---- what happens to a session
export const SE_LOGGED_IN: u32 = 1;      // its connection reached S5
export const SE_CLOSED: u32 = 2;         // its close-session logout ended, whatever the response
export const SE_FAILED: u32 = 3;         // its last connection failed
export const SE_REINSTATED: u32 = 4;     // a new connection logged it in again (recovery)
export const SE_GIVEN_UP: u32 = 5;       // recovery ran out of time or attempts
// Recovery (session reinstatement, recovery.ts): the failed connection is released from S8 and a
// new one logs in (T1..T5); the session goes Q4 -> Q3 (N4), or Q4 -> Q1 when it is given up (N6).

// Transition ids: machine * 100 + number (0 T: connection, 1 N: session); 0 = the record is
// released (not an RFC transition, written "cleanup").
const MC: u32 = 0;
const MS: u32 = 1;
const T: u32 = 0;
const N: u32 = 100;
export const TR_CLEANUP: u32 = 0;

// One row per transition: machine, from, event, to, transition id.
const ROWS: StaticArray<u32> = [
  MC, S1_FREE, CE_CONNECT, S2_XPT_WAIT, T + 1,
  MC, S2_XPT_WAIT, CE_LOGIN_FAILED, S1_FREE, T + 2,
  MC, S2_XPT_WAIT, CE_UP, S4_IN_LOGIN, T + 4,
  MC, S4_IN_LOGIN, CE_LOGIN_OK, S5_LOGGED_IN, T + 5,
  MC, S4_IN_LOGIN, CE_LOGIN_FAILED, S1_FREE, T + 7,
  MC, S5_LOGGED_IN, CE_LOGOUT_SENT, S6_IN_LOGOUT, T + 9,
  MC, S7_LOGOUT_REQUESTED, CE_LOGOUT_SENT, S6_IN_LOGOUT, T + 10,
  MC, S5_LOGGED_IN, CE_TARGET_ASKS, S7_LOGOUT_REQUESTED, T + 11,
  MC, S6_IN_LOGOUT, CE_LOGOUT_OK, S1_FREE, T + 13,
  MC, S5_LOGGED_IN, CE_LOST, S8_CLEANUP_WAIT, T + 15,
  MC, S7_LOGOUT_REQUESTED, CE_LOST, S8_CLEANUP_WAIT, T + 16,
  MC, S6_IN_LOGOUT, CE_LOGOUT_FAILED, S8_CLEANUP_WAIT, T + 17,
  MC, S6_IN_LOGOUT, CE_LOST, S8_CLEANUP_WAIT, T + 17,
  MS, Q1_FREE, SE_LOGGED_IN, Q3_LOGGED_IN, N + 1,
  MS, Q3_LOGGED_IN, SE_CLOSED, Q1_FREE, N + 3,
  MS, Q3_LOGGED_IN, SE_FAILED, Q4_FAILED, N + 5,
  MS, Q4_FAILED, SE_REINSTATED, Q3_LOGGED_IN, N + 4,
  MS, Q4_FAILED, SE_GIVEN_UP, Q1_FREE, N + 6,
];
const ROW: i32 = 5;
export function fsmRows(): i32 { return ROWS.length / ROW; }
export function fsmRow(i: i32, field: i32): u32 {
  return i >= 0 && i < fsmRows() && field >= 0 && field < ROW ? unchecked(ROWS[i * ROW + field]) : 0;
}

// The log: the last LOG_CAP transitions, as [machine << 24 | record index, from, to, id]; a
// reader keeps the count it saw and reads what came after it.
const LOG_CAP: u32 = 256;
export const FSM_LOG: usize = memory.data(<i32>LOG_CAP * 16, 16);
let logged: u32 = 0;
export function fsmLogCount(): u32 { return logged; }
export function fsmLogCap(): u32 { return LOG_CAP; }
function log(machine: u32, index: i32, from: u32, to: u32, id: u32): void {
  const p = FSM_LOG + <usize>(logged % LOG_CAP) * 16;
  store<u32>(p, (machine << 24) | <u32>index); store<u32>(p, from, 4); store<u32>(p, to, 8); store<u32>(p, id, 12);
  logged++;
}

function step(machine: u32, from: u32, ev: u32): i32 {
  for (let i = 0; i < fsmRows(); i++) {
    const r = i * ROW;
    if (unchecked(ROWS[r]) == machine && unchecked(ROWS[r + 1]) == from && unchecked(ROWS[r + 2]) == ev) return r;
  }
  return -1;
}

// The state `from` takes under event ev in `machine` (logged), or -1 when the table has no such row.
function next(machine: u32, index: i32, from: u32, ev: u32): i32 {
  const r = step(machine, from, ev);
  if (r < 0) return -1;
  const to = unchecked(ROWS[r + 3]);
  log(machine, index, from, to, unchecked(ROWS[r + 4]));
  return <i32>to;
}
// Takes connection c through event ev; false (and no change) when its state does not take it.
export function connTo(c: Conn, ev: u32): bool {
  const to = next(MC, c.index, c.state, ev);
  if (to >= 0) c.state = <u32>to;
  return to >= 0;
}
export function sessTo(s: Session, ev: u32): bool {
  const to = next(MS, s.index, s.state, ev);
  if (to >= 0) s.state = <u32>to;
  return to >= 0;
}

// Records are made in their first state and released from whatever state they reached.
export function connNew(s: i32): Conn | null {
  const c = connAlloc(s);
  if (c != null) c.state = S1_FREE;
  return c;
}
export function connRelease(c: Conn): void {
  if (c.state == 0) return;
  log(MC, c.index, c.state, 0, TR_CLEANUP);
  c.state = 0;
  connFree(c);
}
// A connection that only frames bytes (tests, benchmarks): outside both machines.
export const RAW_STATE: u32 = 99;
export function connNewRaw(): Conn | null {
  const c = connAlloc(-1);
  if (c != null) c.state = RAW_STATE;
  return c;
}
export function sessNew(): Session | null {
  const s = sessAlloc();
  if (s != null) s.state = Q1_FREE;
  return s;
}
export function sessRelease(s: Session): void {
  if (s.state == 0) return;
  log(MS, s.index, s.state, 0, TR_CLEANUP);
  s.state = 0;
}
