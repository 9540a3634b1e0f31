// Drives the Wasm core directly, with no sockets and no clock: the sans-I/O surface the hosts
// use, through the engine's own loop (hosts/core-loop.ts). Time is whatever the test says it is:
// a timer fires when the test fires it.
import { freshCore } from './core.ts';
import { type Action, type ActionKind, CODE } from '../../hosts/codes.ts';
import { CoreLoop, writeParams } from '../../hosts/core-loop.ts';
import type { Command } from '../../hosts/scsi/cdb.ts';

export type { Action };
/** The log also records each cancel() answer, which is a return value, not an action. */
export type Logged = Action | { kind: 'cancel-answer'; op: number; hr: number };
const enc = new TextEncoder();

/** Where loggedIn()'s logins differ, and nothing else. */
export interface LoginOpts {
  keepaliveMs?: number;
  /** Digests we ask for; the target's final response grants them. */
  digests?: { header?: boolean; data?: boolean };
  /** The StatSN of the target's first Login Response on this connection. */
  statSN?: number;
  tsih?: number;
  /** The final response's keys, when they are not the answer to `digests`. */
  keys?: string;
  /** The final response's Status: non-zero refuses the login at its last step. */
  status?: number;
  /** The final response's MaxCmdSN (ExpCmdSN is 1): 0 logs in with the command window closed. */
  maxCmdSN?: number;
  /** Recovery (P_RECOVERY, P_PORTALS): reinstate at these portals within replaceMs. */
  recovery?: { replaceMs: number; minMs: number; maxMs: number; attempts?: number; portals: string[] };
}
/** The login parameters recovery adds. */
export function recoveryParams(r: NonNullable<LoginOpts['recovery']>): [number, Uint8Array][] {
  return [
    [CODE.P_RECOVERY, new Uint8Array(Uint32Array.of(r.replaceMs, r.minMs, r.maxMs, r.attempts ?? 0).buffer)],
    [CODE.P_PORTALS, enc.encode(r.portals.join('\0'))],
  ];
}
/** Each call of a login, as it happens: what called (as transcripts write it), what it queued,
 *  and the target's PDU it fed (for data). */
export type LoginStep = (call: string, acts: Action[], fed?: Uint8Array) => void;

export class Driver {
  readonly c: ReturnType<typeof freshCore>;
  log: Logged[] = [];
  private answer: Action[] = [];
  private loop: CoreLoop;
  /** `maxSessions`: a smaller core than the default, for a test that fills its pools. */
  constructor(o: { maxSessions?: number } = {}) {
    this.c = freshCore(o.maxSessions);
    // An overflowed queue is a core defect: here it fails the test instead of being carried out.
    this.loop = new CoreLoop(this.c.core, this.c, (a) => {
      this.log.push(a);
      this.answer.push(a);
    }, () => {
      throw new Error('action queue overflowed');
    });
  }

  /** Every action one call queued, `more` followed as the engine follows it. */
  private drain(n: number): Action[] {
    return this.collect(() => this.loop.drain(n));
  }
  private collect(run: () => void): Action[] {
    this.answer = [];
    run();
    return this.answer;
  }
  target(): number {
    return this.c.core.targetNew();
  }
  login(
    target: number,
    flags = 0,
    auth = 0,
    keepaliveMs = 0,
    extra: [number, Uint8Array][] = [],
  ): { op: number; acts: Action[] } {
    const params: [number, Uint8Array][] = [
      [CODE.P_INITIATOR_NAME, enc.encode('iqn.2026-11.dev.test:init')],
      [CODE.P_TARGET_NAME, enc.encode('iqn.2026-11.dev.test:target')],
      [CODE.P_RANDOM, new Uint8Array(32).fill(7)],
    ];
    if (keepaliveMs) params.push([CODE.P_KEEPALIVE_MS, new Uint8Array(Uint32Array.of(keepaliveMs).buffer)]);
    if (auth) params.push([CODE.P_CHAP_USER, enc.encode('alice')], [CODE.P_CHAP_TARGET_USER, enc.encode('tgt')]);
    params.push(...extra);
    const at = writeParams(this.c.io, params);
    const op = this.c.core.login(target, auth, flags, 1000, 2000, at);
    return { op, acts: this.drain(this.c.core.actions()) };
  }
  /** A login to `target` through security (AuthMethod=None) and operational negotiation, the
   *  target answering each request once. `s` is the session, or -1 when the final response did
   *  not log in; `statSN` is the next StatSN the target would use on `c`. */
  loggedIn(target: number, o: LoginOpts = {}, step?: LoginStep): { op: number; c: number; s: number; statSN: number } {
    const header = o.digests?.header ?? false, data = o.digests?.data ?? false;
    const flags = (header ? CODE.LOGIN_HEADER_DIGEST : 0) | (data ? CODE.LOGIN_DATA_DIGEST : 0);
    const { op, acts } = this.login(target, flags, 0, o.keepaliveMs ?? 0, o.recovery ? recoveryParams(o.recovery) : []);
    step?.('login()', acts);
    const c = find(acts, 'connect')!.conn;
    const up = this.up(c);
    step?.(`up(${c})`, up);
    let statSN = o.statSN ?? 1;
    const security = targetPdu(
      0x23,
      0x81,
      { itt: ittOf(find(up, 'send')!.bytes), statsn: statSN++ },
      'AuthMethod=None\0',
    );
    const operational = this.data(c, security);
    step?.('data', operational, security);
    const keys = o.keys ?? `HeaderDigest=${header ? 'CRC32C' : 'None'}\0DataDigest=${data ? 'CRC32C' : 'None'}\0`;
    const final = targetPdu(0x23, o.status ? 0x00 : 0x87, {
      itt: ittOf(find(operational, 'send')!.bytes),
      statsn: statSN++,
      tsih: o.tsih ?? 7,
      status: o.status,
    }, keys);
    if (o.maxCmdSN !== undefined) new DataView(final.buffer).setUint32(32, o.maxCmdSN);
    const done = this.data(c, final);
    step?.('data', done, final);
    return { op, c, s: find(done, 'logged-in')?.session ?? -1, statSN };
  }
  up(c: number) {
    return this.drain(this.c.core.up(c));
  }
  /** Feeds bytes as one socket chunk, as the engine does: when the core pauses, the rest is
   *  fed after its actions are drained (returned together). */
  data(c: number, bytes: Uint8Array): Action[] {
    return this.collect(() => this.loop.feed(c, bytes));
  }
  /** One data() call, no re-feeding: what the core consumed and queued. */
  dataOnce(c: number, bytes: Uint8Array): { consumed: number; acts: Action[] } {
    this.c.rx.set(bytes);
    const n = this.c.core.data(c, bytes.length);
    return { consumed: this.c.core.consumed(), acts: this.drain(n) };
  }
  /** The host's CHAP digest for the core's request (chapAnswer) or the one it expects (chapExpected). */
  chap(c: number, digest: Uint8Array, expected = false): Action[] {
    this.c.rx.set(digest);
    return this.drain(expected ? this.c.core.chapExpected(c, digest.length) : this.c.core.chapAnswer(c, digest.length));
  }
  lost(c: number, connectFailed = 0) {
    return this.drain(this.c.core.lost(c, connectFailed));
  }
  timer(id: number) {
    return this.drain(this.c.core.timer(id));
  }
  cancel(op: number) {
    const hr = this.c.core.cancel(op) >>> 0;
    const acts = this.drain(this.c.core.actions());
    this.log.push({ kind: 'cancel-answer', op, hr });
    return acts;
  }
  logout(
    target: number,
    opts: { timeout?: number; conc?: number; deadline?: number; grace?: number; policy?: number; drain?: number } = {},
  ) {
    const op = this.c.core.logout(
      target,
      opts.timeout ?? 15000,
      opts.conc ?? 64,
      opts.deadline ?? 0,
      opts.grace ?? 1000,
      opts.policy ?? CODE.INFLIGHT_DRAIN,
      opts.drain ?? opts.timeout ?? 15000,
    );
    return { op, acts: this.drain(this.c.core.actions()) };
  }
  /** A SCSI command (hosts/scsi/cdb.ts builds them): its reference and what the call queued. */
  /** `follows`: the command takes the place hold() kept for it. */
  command(s: number, cmd: Command, a: { lun?: number; timeout?: number; replay?: boolean; follows?: boolean } = {}) {
    this.c.io.set(cmd.cdb);
    const how = cmd.dir | (a.replay ? CODE.CMD_REPLAY : 0) | (a.follows ? CODE.CMD_FOLLOWS : 0);
    const t = this.c.core.command(s, a.lun ?? 0, how, cmd.edtl, cmd.cdb.length, a.timeout ?? 0);
    return { t, acts: this.drain(this.c.core.actions()) };
  }

  connState(c: number) {
    return this.c.core.connState(c);
  }
}

type Of<K extends ActionKind> = Extract<Action, { kind: K }>;
export const find = <K extends ActionKind>(acts: Action[], kind: K): Of<K> | undefined =>
  acts.find((x): x is Of<K> => x.kind === kind);
export const all = <K extends ActionKind>(acts: Action[], kind: K): Of<K>[] =>
  acts.filter((x): x is Of<K> => x.kind === kind);
export const kinds = (acts: Action[]) => acts.map((x) => x.kind);

/** A target PDU: 48-byte BHS from fields, plus a text data segment (padded). */
/** The ISID the driver's sessions use: type 10b (random), then the first five random bytes. */
export const DRIVER_ISID = [0x80, 7, 7, 7, 7, 7];
export function targetPdu(
  op: number,
  b1: number,
  f: {
    isid?: number[];
    itt?: number;
    ttt?: number;
    statsn?: number;
    status?: number;
    byte2?: number;
    tsih?: number;
    w36?: number;
    w38?: number;
    w40?: number;
  } = {},
  text = '',
): Uint8Array {
  const data = enc.encode(text);
  const out = new Uint8Array(48 + ((data.length + 3) & ~3));
  const dv = new DataView(out.buffer);
  out[0] = op;
  out[1] = b1;
  out[2] = f.byte2 ?? 0;
  dv.setUint32(4, data.length);
  if (op === 0x23) out.set(f.isid ?? DRIVER_ISID, 8); // a Login Response echoes our ISID
  if (f.tsih !== undefined) dv.setUint16(14, f.tsih);
  dv.setUint32(16, f.itt ?? 0xffffffff);
  dv.setUint32(20, f.ttt ?? (op === 0x23 || op === 0x26 || op === 0x32 || op === 0x3f ? 0 : 0xffffffff));
  dv.setUint32(24, f.statsn ?? 1);
  dv.setUint32(28, 1);
  dv.setUint32(32, 32);
  if (f.status !== undefined) dv.setUint16(36, f.status);
  if (f.w36 !== undefined) dv.setUint32(36, f.w36);
  if (f.w38 !== undefined) dv.setUint16(38, f.w38);
  if (f.w40 !== undefined) dv.setUint32(40, f.w40);
  out.set(data, 48);
  return out;
}
export const ittOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(16);
