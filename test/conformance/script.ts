// A scenario's script: drives the core through the test driver with a scripted target, and
// writes down, line by line, everything that crossed the boundary: every PDU either way (its
// decoded fields, then its header in hex), every event and result by name, every timer by name
// with its duration in a coarse bucket, and each connection's state change with the RFC 7143
// §8.1 transition it was. Randomness is the driver's fixed bytes, so a transcript is the same on
// every run and every runtime.
import { TransitionLog } from './transitions.ts';
import { type Action, Driver, ittOf, type LoginOpts, targetPdu } from '../helpers/driver.ts';
import { CODE, EVENT_NAMES, hrName, LOGIN_RESULT_NAMES, REASON_NAMES, TASK_END_NAMES } from '../../hosts/codes.ts';

const OPS: Record<number, string> = {
  0x00: 'NOP-Out',
  0x01: 'SCSI Command',
  0x02: 'Task Management Request',
  0x03: 'Login Request',
  0x04: 'Text Request',
  0x05: 'Data-Out',
  0x06: 'Logout Request',
  0x20: 'NOP-In',
  0x21: 'SCSI Response',
  0x22: 'Task Management Response',
  0x23: 'Login Response',
  0x24: 'Text Response',
  0x25: 'Data-In',
  0x26: 'Logout Response',
  0x31: 'R2T',
  0x32: 'Async Message',
  0x3f: 'Reject',
};
// A connection state by its RFC 7143 label (S1..S8, from core/codes.ts); 0: the record is free.
const STATES: Record<number, string> = {
  0: 'free',
  ...Object.fromEntries(Object.entries(CODE).filter(([k]) => /^S\d_/.test(k)).map(([k, v]) => [v, k.slice(0, 2)])),
};
// A timer by what its id says (kind << 16 | slot, core/timers.ts). A connection's one timer keeps
// its meaning (connect, login, keepalive, logout, grace) in the core, not in its id: the
// transcript names only its connection rather than guess.
const TIMERS: Record<number, (slot: number) => string> = {
  [CODE.TIMER_CONN]: (n) => `conn ${n}`,
  [CODE.TIMER_OP]: (n) => `operation ${n} deadline`,
  [CODE.TIMER_TASK]: (n) => `task ${n}`,
  [CODE.TIMER_DRAIN]: (n) => `operation ${n} drain`,
  [CODE.TIMER_SESSION]: (n) => `session ${n} logout-limit`,
  [CODE.TIMER_REPLACE]: (n) => `session ${n} replacement`,
  [CODE.TIMER_RECONNECT]: (n) => `session ${n} reconnect`,
};
export const timerName = (id: number): string =>
  TIMERS[id >>> 16]?.(id & 0xffff) ?? `0x${id.toString(16)} (unknown kind)`;
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const bucket = (ms: number) => (ms < 100 ? '<100 ms' : ms < 1000 ? '<1 s' : ms < 10000 ? '<10 s' : '>=10 s');
const word = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at);

/** One PDU in words: opcode, flags, the fields that matter for it, the text of a text PDU. */
export function describePdu(b: Uint8Array): string {
  const op = b[0] & 0x3f, dsl = (b[5] << 16) | (b[6] << 8) | b[7];
  const f: string[] = [OPS[op] ?? `opcode 0x${op.toString(16)}`];
  if (b[0] & 0x40) f.push('I');
  f.push(`b1=0x${b[1].toString(16).padStart(2, '0')}`, `ITT=0x${word(b, 16).toString(16)}`);
  if (op === 0x03 || op === 0x23) f.push(`CSG=${(b[1] >> 2) & 3}`, `NSG=${b[1] & 3}`, `TSIH=${(b[14] << 8) | b[15]}`);
  if (op === 0x23) f.push(`status=0x${((b[36] << 8) | b[37]).toString(16).padStart(4, '0')}`);
  if (op === 0x26) f.push(`response=${b[2]}`, `T2W=${(b[40] << 8) | b[41]}`, `T2R=${(b[42] << 8) | b[43]}`);
  if (op === 0x06) f.push(`reason=${b[1] & 0x7f}`, `CID=${(b[20] << 8) | b[21]}`);
  if (op === 0x21) f.push(`status=0x${b[3].toString(16)}`);
  if (op === 0x25 || op === 0x05 || op === 0x31) f.push(`DataSN/R2TSN=${word(b, 36)}`, `offset=${word(b, 40)}`);
  if (op === 0x31) f.push(`length=${word(b, 44)}`);
  if (op < 0x20) f.push(`CmdSN=${word(b, 24)}`, `ExpStatSN=${word(b, 28)}`);
  else f.push(`StatSN=${word(b, 24)}`, `ExpCmdSN=${word(b, 28)}`, `MaxCmdSN=${word(b, 32)}`);
  f.push(`data=${dsl}`);
  const text = op === 0x03 || op === 0x23 || op === 0x04 || op === 0x24
    ? ` "${new TextDecoder().decode(b.subarray(48, 48 + dsl)).replaceAll('\0', ' | ')}"`
    : '';
  return f.join(' ') + text;
}

/** A PDU the scripted target sent, as the transcript writes it. */
const fedLines = (pdu: Uint8Array) => [`  <- ${describePdu(pdu)}`, `     ${hex(pdu.subarray(0, 48))}`];

export class Script {
  readonly d = new Driver();
  readonly lines: string[] = [];
  readonly transitions = new Set<string>();
  private states = new Map<number, number>();
  private log = new TransitionLog(this.d.c.core);
  private sn = new Map<number, number>();
  timers: number[] = [];
  /** The StatSN the scripted target starts each connection at. */
  firstStatSN = 1;

  note(s: string) {
    this.lines.push(`# ${s}`);
  }
  /** What one call produced, written down; the actions are returned for the scenario to use. */
  record(call: string, acts: Action[], fed: string[] = []): Action[] {
    this.lines.push(`> ${call}`, ...fed);
    for (const a of acts) this.lines.push(...this.describe(a));
    const taken = this.log.take();
    for (const t of taken) this.transitions.add(t.name);
    const conns = new Set<number>([...this.states.keys(), ...acts.flatMap((a) => ('conn' in a ? [a.conn] : []))]);
    for (const c of conns) {
      const before = this.states.get(c) ?? 0, after = this.d.connState(c);
      if (before === after) continue;
      // The core's own names for what this connection went through in this call; a released
      // record is named only when nothing else happened.
      const names = taken.filter((x) => x.machine === 'connection' && x.index === c).map((x) => x.name);
      const t = (names.filter((n) => n !== 'cleanup').join('+')) || names.join('+');
      this.lines.push(`  conn ${c}: ${STATES[before]} -> ${STATES[after] ?? after}${t ? ` (${t})` : ''}`);
      if (after === 0) this.states.delete(c);
      else this.states.set(c, after);
    }
    return acts;
  }
  private describe(a: Action): string[] {
    // A task's reference carries its allocation above the slot; the slot reads better.
    const slot = (ref: number) => ref & 0xfff;
    switch (a.kind) {
      case 'send':
        return [`  -> ${describePdu(a.bytes)}`, `     ${hex(a.bytes.subarray(0, 48))}`];
      case 'send-data':
        return [
          `  -> ${describePdu(a.bytes)} + ${a.plen} bytes of task ${slot(a.task)} from offset ${a.offset}${
            a.digest ? ' + data digest' : ''
          }`,
        ];
      case 'arm':
        this.timers.push(a.timer);
        return [`  timer ${timerName(a.timer)} armed (${bucket(a.ms)})`];
      case 'cancel':
        return [`  timer ${timerName(a.timer)} cancelled`];
      case 'connect':
        return [`  connect conn ${a.conn}${a.bytes.length ? ` to ${new TextDecoder().decode(a.bytes)}` : ''}`];
      case 'close':
        return [`  close conn ${a.conn}`];
      case 'op-done':
        return [`  operation ${a.op} done: ${hrName(a.hr)}`];
      case 'session-result':
        return [
          `  session ${a.session} result: ${REASON_NAMES[a.reason]} ${
            hrName(a.hr)
          } T2W=${a.time2Wait} T2R=${a.time2Retain} drained=${a.commandsDrained} aborted=${a.commandsAborted}`,
        ];
      case 'event':
        return [`  event ${EVENT_NAMES[a.event]} session ${a.session} ${a.p1} ${a.p2} ${a.p3}`];
      case 'chap-answer':
      case 'chap-verify':
        return [`  ${a.kind} alg=${a.algorithm} id=${a.identifier} challenge=${hex(a.bytes)}`];
      case 'logged-in':
        return [`  logged in: session ${a.session} TSIH ${a.tsih}`];
      case 'text':
        return [`  text ${a.textKind}: ${new TextDecoder().decode(a.bytes)}`];
      case 'progress':
        return [`  progress ${a.percent}%`];
      case 'session-gone':
        return [`  session ${a.session} gone`];
      case 'login-status':
        return [`  login status 0x${a.status.toString(16).padStart(4, '0')}: ${LOGIN_RESULT_NAMES[a.reason]}`];
      case 'joined':
        return [`  joined operation ${a.op}`];
      case 'data-in':
        return [`  data-in: ${a.count} bytes to task ${slot(a.task)} at offset ${a.offset}`];
      case 'task-done':
        return [
          `  task ${slot(a.task)} done: ${TASK_END_NAMES[a.reason]} status=0x${a.status.toString(16)}${
            a.bytes.length ? ` sense=${hex(a.bytes)}` : ''
          }`,
        ];
      case 'more':
        return ['  more to send'];
    }
  }

  // ---- the scripted target's side
  /** The driver's login (driver.ts loggedIn), each of its calls written down; the target starts
   *  the connection at firstStatSN and goes on from where the login left it. */
  loggedIn(t: number, o: LoginOpts = {}): { c: number; session: number } {
    const r = this.d.loggedIn(
      t,
      { statSN: this.firstStatSN, ...o },
      (call, acts, pdu) => this.record(call, acts, pdu ? fedLines(pdu) : []),
    );
    this.sn.set(r.c, r.statSN);
    return { c: r.c, session: r.s };
  }
  /** The next StatSN this connection's target uses (advance: it takes one). */
  statSN(c: number, advance = true): number {
    const v = this.sn.get(c) ?? this.firstStatSN;
    if (advance) this.sn.set(c, v + 1);
    return v;
  }
  /** A target PDU fed to the core as one socket chunk (or in pieces of `split` bytes). */
  feed(c: number, pdu: Uint8Array, what?: string, split = 0): Action[] {
    const fed = fedLines(pdu);
    if (!split) return this.record(what ?? 'data', this.d.data(c, pdu), fed);
    const out: Action[] = [];
    for (let at = 0; at < pdu.length; at += split) {
      out.push(
        ...this.record(`data (${split}-byte piece)`, this.d.data(c, pdu.subarray(at, at + split)), at ? [] : fed),
      );
    }
    return out;
  }
  /** A target PDU and then the target's FIN as one step: both reached the host before it could
   *  act in between, so data() and lost() follow each other with no other call. */
  feedThenFin(c: number, pdu: Uint8Array): Action[] {
    return this.record(`data, then FIN (lost(${c}))`, [...this.d.data(c, pdu), ...this.d.lost(c, 0)], fedLines(pdu));
  }
  pdu = targetPdu;
  itt = ittOf;
}
