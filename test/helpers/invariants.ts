// What must hold after every step of a simulation, whatever the target did (docs/logout.md,
// docs/io.md): at most one Logout per connection and nothing sent after it, every operation and
// every command ends exactly once, each session's result agrees with what the target did.
import type { Action } from './driver.ts';
import { CODE } from '../../hosts/codes.ts';

export class Invariants {
  readonly violations: string[] = [];
  private loggedOut = new Set<number>(); // connections whose Logout is on the wire
  private openOps = new Set<number>();
  private openTasks = new Set<number>();
  private results = new Set<string>(); // `${op}/${session}` already reported
  private expected = new Map<number, number>(); // session -> the reason the target's moves call for
  private connSession = new Map<number, number>();
  private recovering = new Set<number>(); // sessions between session-recovering and their end of it

  constructor(private step: () => number) {}
  private fail(what: string) {
    this.violations.push(`step ${this.step()}: ${what}`);
  }

  opStarted(op: number, joined: boolean) {
    if (op < 0) return;
    if (this.openOps.has(op) && !joined) this.fail(`operation ${op} started while still open`);
    this.openOps.add(op);
  }
  taskStarted(t: number) {
    if (t < 0) return;
    if (this.openTasks.has(t)) this.fail(`command ${t} started while still open`);
    this.openTasks.add(t);
  }
  /** The target answered the Logout of session s (reason it calls for), or dropped it. */
  expect(session: number, reason: number) {
    if (!this.expected.has(session)) this.expected.set(session, reason);
  }
  sessionOf(conn: number): number | undefined {
    return this.connSession.get(conn);
  }

  see(acts: Action[]) {
    for (const a of acts) {
      if (a.kind === 'connect') this.connSession.set(a.conn, a.session);
      if ((a.kind === 'send' || a.kind === 'send-data') && this.recovering.has(this.connSession.get(a.conn) ?? -1)) {
        // While a session recovers, only the Login of its new connection may go out.
        if ((a.bytes[0] & 0x3f) !== 0x03) {
          this.fail(`sent opcode 0x${a.bytes[0].toString(16)} on recovering session ${this.connSession.get(a.conn)}`);
        }
      }
      if (a.kind === 'event' && a.event === CODE.EV_SESSION_RECOVERING) this.recovering.add(a.session);
      if (a.kind === 'event' && a.event === CODE.EV_SESSION_RECOVERED) this.recovering.delete(a.session);
      if (a.kind === 'send') {
        if (this.loggedOut.has(a.conn)) {
          this.fail(`sent opcode 0x${a.bytes[0].toString(16)} on connection ${a.conn} after its Logout`);
        }
        if ((a.bytes[0] & 0x3f) === 0x06) this.loggedOut.add(a.conn);
      }
      if (a.kind === 'send-data' && this.loggedOut.has(a.conn)) {
        this.fail(`sent data on connection ${a.conn} after its Logout`);
      }
      if (a.kind === 'close') this.loggedOut.delete(a.conn);
      if (a.kind === 'op-done') {
        if (!this.openOps.delete(a.op)) this.fail(`operation ${a.op} ended twice`);
        for (const k of [...this.results]) if (k.startsWith(`${a.op}/`)) this.results.delete(k); // the slot may be reused
      }
      if (a.kind === 'task-done') {
        if (!this.openTasks.delete(a.task)) this.fail(`command ${a.task} ended twice`);
      }
      if (a.kind === 'session-result') {
        const key = `${a.op}/${a.session}`;
        if (this.results.has(key)) this.fail(`session ${a.session} reported twice in operation ${a.op}`);
        this.results.add(key);
        const want = this.expected.get(a.session);
        if (want !== undefined && a.reason !== want) {
          this.fail(`session ${a.session} ended reason ${a.reason}, the target's moves call for ${want}`);
        }
      }
      if (a.kind === 'session-gone') {
        this.recovering.delete(a.session);
        this.expected.delete(a.session);
        for (const k of [...this.results]) if (k.endsWith(`/${a.session}`)) this.results.delete(k);
      }
    }
  }

  /** Once time has run out: nothing may be left open. */
  finish(live: { conns: number; sessions: number; timers: number }) {
    if (this.openOps.size) this.fail(`operations never ended: ${[...this.openOps].join(', ')}`);
    if (this.openTasks.size) this.fail(`commands never ended: ${[...this.openTasks].join(', ')}`);
    if (live.conns || live.sessions || live.timers) {
      this.fail(`left behind: ${live.conns} connections, ${live.sessions} sessions, ${live.timers} timers`);
    }
  }
}
