// Drives one core instance: copies socket chunks in, drains the action queue out, and carries
// each action out literally. Nothing here decides anything about iSCSI.
import type { Conn, Host } from './types.ts';
import { instantiateCore, type CoreExports } from './wasm/load.ts';
import { coreViews, type CoreViews } from './wasm/views.ts';
import { CODE, HR } from './codes.ts';
import { chapDigest } from './chap.ts';
import { parsePortal, type Portal } from './ids.ts';

/** What an operation's owner hears from the core. */
export interface OpSink {
  portal?: Portal;
  secrets?: { secret: string; targetSecret?: string };
  progress?(pct: number): void;
  sessionResult?(s: number, reason: number, hr: number, t2w: number, t2r: number): void;
  loggedIn?(s: number, tsih: number): void;
  loginStatus?(status: number, reason: number): void;
  text?(kind: number, value: string): void;
  done(hr: number, lateCancel: number): void;
}
export interface EngineEvents {
  sessionGone(s: number): void;
  event(s: number, code: number, p1: number, p2: number, p3: number): void;
  trace?(line: string): void;
}

interface ConnEntry { conn?: Conn; op: number; portal?: Portal; connecting?: AbortController }

const dec = new TextDecoder();
const RX_CAP = CODE.RX_CAP;

export class Engine {
  readonly core: CoreExports;
  private v: CoreViews;
  private conns = new Map<number, ConnEntry>();
  private timers = new Map<number, { cancel(): void }>();
  private ops = new Map<number, OpSink>();
  private connecting = new Set<Promise<void>>();

  constructor(private host: Host, private events: EngineEvents) {
    this.core = instantiateCore();
    this.v = coreViews(this.core);
  }

  now(): number { return this.host.now(); }

  /** Runs an entry point that returns an operation slot, binds the sink, then drains. */
  startOp(run: (core: CoreExports, now: number) => number, sink: (op: number) => OpSink): number {
    const op = run(this.core, this.now());
    if (op < 0) {
      // Every operation slot is busy: there is no operation to report through, so the handle
      // is born finished, as the other up-front failures are.
      sink(op).done(HR.E_OUTOFMEMORY, HR.VDS_E_CANCEL_TOO_LATE);
      return op;
    }
    if (!this.ops.has(op)) this.ops.set(op, sink(op));
    this.drain(this.core.actions());
    return op;
  }
  hasOp(op: number): boolean { return this.ops.has(op); }
  sinkOf(op: number): OpSink | undefined { return this.ops.get(op); }

  cancel(op: number): number {
    const hr = this.core.cancel(this.now(), op) >>> 0;
    this.drain(this.core.actions());
    return hr;
  }

  /** Writes TLV parameters into the core's IO region; returns the byte length. */
  params(list: [number, Uint8Array][]): number {
    let at = 0;
    const io = this.v.io;
    for (const [tag, bytes] of list) {
      if (at + 4 + bytes.length > io.length) throw new RangeError('login parameters too long');
      io[at] = tag & 0xff; io[at + 1] = tag >> 8; io[at + 2] = bytes.length & 0xff; io[at + 3] = bytes.length >> 8;
      io.set(bytes, at + 4);
      at += 4 + bytes.length;
    }
    return at;
  }

  /** Closes every socket still open and tells the core each is lost, so every operation still
   *  running ends (and every handle resolves); cancels what timers are left; then waits, at most
   *  `boundMs`, for connects still in flight to settle, so none outlives the adapter. */
  dispose(boundMs = 5000): Promise<void> {
    for (const c of [...this.conns.keys()]) {
      const e = this.conns.get(c);
      if (!e) continue;
      this.conns.delete(c);
      e.connecting?.abort();
      e.conn?.close();
      this.drain(this.core.lost(this.now(), c, 0));
    }
    for (const [, t] of this.timers) t.cancel();
    this.timers.clear();
    if (!this.connecting.size) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = this.host.timer(boundMs, resolve);
      Promise.allSettled([...this.connecting]).then(() => { t.cancel(); resolve(); });
    });
  }
  openSockets(): number { return this.conns.size + this.connecting.size; }
  armedTimers(): number { return this.timers.size; }

  private drain(n: number): void {
    if (n < 0) throw new Error('iSCSI core action queue overflowed');
    if (n === 0) return;
    // Copy the records and the bytes they point at before acting: acting may re-enter the core.
    const rec = this.v.act.slice(0, n * 8);
    const bytes: (Uint8Array | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const k = rec[i * 8], a = i * 8;
      if (k === CODE.ACT_SEND) bytes[i] = this.v.tx.slice(rec[a + 2], rec[a + 2] + rec[a + 3]);
      else if (k === CODE.ACT_CONNECT) bytes[i] = this.v.tx.slice(rec[a + 2], rec[a + 2] + rec[a + 3]);
      else if (k === CODE.ACT_TEXT) bytes[i] = this.v.tx.slice(rec[a + 3], rec[a + 3] + rec[a + 4]);
      else if (k === CODE.ACT_CHAP_ANSWER || k === CODE.ACT_CHAP_VERIFY) bytes[i] = this.v.tx.slice(rec[a + 4], rec[a + 4] + rec[a + 5]);
    }
    for (let i = 0; i < n; i++) this.perform(rec.subarray(i * 8, i * 8 + 8), bytes[i]);
  }

  private perform(r: Uint32Array, b: Uint8Array | undefined): void {
    switch (r[0]) {
      case CODE.ACT_SEND: this.conns.get(r[1])?.conn?.write(b!); break;
      case CODE.ACT_CLOSE: {
        const e = this.conns.get(r[1]);
        this.conns.delete(r[1]);
        e?.connecting?.abort();
        e?.conn?.close();
        break;
      }
      case CODE.ACT_ARM: {
        this.timers.get(r[1])?.cancel();
        const id = r[1];
        this.timers.set(id, this.host.timer(r[2], () => {
          this.timers.delete(id);
          this.drain(this.core.timer(this.now(), id));
        }));
        break;
      }
      case CODE.ACT_CANCEL: this.timers.get(r[1])?.cancel(); this.timers.delete(r[1]); break;
      case CODE.ACT_CONNECT: this.connect(r[1], r[5], b!.length ? parsePortal(dec.decode(b)) : this.ops.get(r[5])?.portal); break;
      case CODE.ACT_OP_DONE: {
        const sink = this.ops.get(r[1]);
        this.ops.delete(r[1]);
        sink?.done(r[2] >>> 0, r[3] >>> 0);
        break;
      }
      case CODE.ACT_SESSION_RESULT: this.ops.get(r[1])?.sessionResult?.(r[2], r[3], r[4] >>> 0, r[5], r[6]); break;
      case CODE.ACT_EVENT: this.events.event(r[1], r[2], r[3], r[4], r[5]); break;
      case CODE.ACT_CHAP_ANSWER: this.chap(r, b!, false); break;
      case CODE.ACT_CHAP_VERIFY: this.chap(r, b!, true); break;
      case CODE.ACT_LOGGED_IN: this.ops.get(r[1])?.loggedIn?.(r[2], r[3]); break;
      case CODE.ACT_TEXT: this.ops.get(r[1])?.text?.(r[2], dec.decode(b)); break;
      case CODE.ACT_PROGRESS: this.ops.get(r[1])?.progress?.(r[2]); break;
      case CODE.ACT_SESSION_GONE: this.events.sessionGone(r[1]); break;
      case CODE.ACT_LOGIN_STATUS: this.ops.get(r[1])?.loginStatus?.(r[2], r[3]); break;
      default: throw new Error(`unknown core action ${r[0]}`);
    }
  }

  // The core asked for a digest over a secret it never sees; it gets back only the digest.
  private chap(r: Uint32Array, challenge: Uint8Array, verify: boolean): void {
    const c = r[1];
    const secrets = this.ops.get(this.conns.get(c)?.op ?? -1)?.secrets;
    const secret = verify ? secrets?.targetSecret : secrets?.secret;
    let digest: Uint8Array = new Uint8Array(0);
    try { if (secret !== undefined) digest = chapDigest(r[2], r[3], secret, challenge); } catch { /* empty digest: the core fails the login */ }
    this.v.rx.set(digest);
    const n = verify ? this.core.chapExpected(this.now(), c, digest.length) : this.core.chapAnswer(this.now(), c, digest.length);
    this.drain(n);
  }

  private connect(c: number, op: number, portal: Portal | null | undefined): void {
    const entry: ConnEntry = { op, portal: portal ?? undefined, connecting: new AbortController() };
    this.conns.set(c, entry);
    if (!portal) { this.drain(this.core.lost(this.now(), c, 1)); return; }
    const current = () => this.conns.get(c) === entry;
    const attempt = this.host.connect({ ...portal, signal: entry.connecting!.signal }, {
      onData: (chunk) => {
        for (let at = 0; at < chunk.length && current(); at += RX_CAP) {
          const part = chunk.subarray(at, Math.min(chunk.length, at + RX_CAP));
          this.v.rx.set(part);
          this.drain(this.core.data(this.now(), c, part.length));
        }
      },
      onEnd: () => { if (current()) this.drain(this.core.lost(this.now(), c, 0)); },
      onClose: () => { if (current()) this.drain(this.core.lost(this.now(), c, 0)); },
    });
    // Tracked until it settles: a connect the core gave up on is aborted, or closed on arrival.
    const settled = attempt.then((conn) => {
      entry.connecting = undefined;
      if (!current()) { conn.close(); return; }
      entry.conn = conn;
      this.drain(this.core.up(this.now(), c));
    }, () => {
      entry.connecting = undefined;
      if (current()) this.drain(this.core.lost(this.now(), c, 1));
    }).finally(() => this.connecting.delete(settled));
    this.connecting.add(settled);
  }
}
