// Drives one core instance: copies socket chunks in, drains the action queue out, and carries
// each action out literally. Nothing here decides anything about iSCSI.
import type { Conn, Host } from './types.ts';
import { type CoreExports, instantiateCore } from './wasm/load.ts';
import { type CoreViews, coreViews } from './wasm/views.ts';
import { type Action, HR } from './codes.ts';
import { CoreLoop, type ParamValue, writeParams } from './core-loop.ts';
import { chapDigest } from './chap.ts';
import { parsePortal, type Portal, portalText } from './ids.ts';
import { transportText } from './explain.ts';
import { ConnectAbort } from './connect-abort.ts';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;
/** What an operation's owner hears from the core: the core's actions, as they were decoded. */
export interface OpSink {
  portal?: Portal;
  secrets?: { secret: string; targetSecret?: string };
  progress?(a: Of<'progress'>): void;
  sessionResult?(a: Of<'session-result'>): void;
  loggedIn?(a: Of<'logged-in'>): void;
  loginStatus?(a: Of<'login-status'>): void;
  /** `value`: the text's bytes as a string. */
  text?(a: Of<'text'>, value: string): void;
  /** The OS's words for a connect that failed, before the core hears of it. */
  transportError?(text: string, err: unknown): void;
  done(a: Of<'op-done'>): void;
}
/** What a SCSI command's owner hears: where its data lives, and how it ended. */
export interface TaskSink {
  /** Read: where Data-In lands. Write: where Data-Out comes from. */
  buffer: Uint8Array;
  done(a: Of<'task-done'>): void;
}
export interface EngineEvents {
  sessionGone(s: number): void;
  event(a: Of<'event'>): void;
  /** An error of our own (never a target's doing) met while handling a socket; the connection
   *  was closed and the core told, so its commands and operations have ended. */
  internalError(err: unknown): void;
}

interface ConnEntry {
  conn?: Conn;
  op: number;
  session: number;
  portal?: Portal;
  connecting?: ConnectAbort;
}

const dec = new TextDecoder();

export class Engine {
  readonly core: CoreExports;
  private v: CoreViews;
  private loop: CoreLoop;
  private conns = new Map<number, ConnEntry>();
  private timers = new Map<number, { cancel(): void }>();
  private ops = new Map<number, OpSink>();
  private tasks = new Map<number, TaskSink>();
  /** CHAP secrets of logged-in sessions, for the logins that reinstate them. */
  private secrets = new Map<number, { secret: string; targetSecret?: string }>();
  private connecting = new Set<Promise<void>>();
  /** The last address the core named for each session's connection (see 'connect'). */
  private dialed = new Map<number, Portal>();

  constructor(
    private host: Host,
    private events: EngineEvents,
    limits: { sessions?: number; tasks?: number; perSession?: number } = {},
  ) {
    this.core = instantiateCore(limits.sessions, limits.tasks, limits.perSession);
    this.v = coreViews(this.core);
    this.loop = new CoreLoop(this.core, this.v, (a) => this.perform(a));
  }

  /** Runs an entry point that returns an operation slot. A new operation gets the sink from
   *  `start`; when the core says the call joined a running one (ACT_JOINED), `join` is called
   *  with that operation's sink instead. */
  startOp(
    run: (core: CoreExports) => number,
    start: (op: number) => OpSink,
    join?: (op: number) => void,
  ): number {
    const op = run(this.core);
    if (op < 0) {
      // Every operation slot is busy: there is no operation to report through, so the handle
      // is born finished, as the other up-front failures are.
      start(op).done({ kind: 'op-done', op, hr: HR.E_OUTOFMEMORY, lateCancel: HR.VDS_E_CANCEL_TOO_LATE });
      return op;
    }
    const acts = this.loop.take(this.core.actions());
    const joined = acts.some((a) => a.kind === 'joined' && a.op === op);
    if (joined && join && this.ops.has(op)) join(op);
    else this.ops.set(op, start(op));
    this.loop.performAll(acts);
    // A logout that began changes what waiting commands get (abort: aborted-by-logout): they
    // learn it now, before the target's answer can end their session.
    this.wake();
    return op;
  }

  /** Starts a SCSI command; its sink is bound before any of its actions are carried out.
   *  Returns the task's reference, or the core's negative error (nothing was started). */
  startTask(run: (core: CoreExports) => number, sink: TaskSink): number {
    const t = run(this.core);
    const acts = this.loop.take(this.core.actions());
    if (t >= 0) this.tasks.set(t, sink);
    this.loop.performAll(acts);
    return t;
  }
  /** The core ignores a reference to a command that already ended, whatever reused its slot. */
  abortTask(ref: number): void {
    if (this.tasks.has(ref)) this.drain(this.core.abortTask(ref));
  }
  /** A caller's command waits for a lookup first: its place is held in the core (0, or ERR_*). */
  hold(s: number): number {
    return this.core.hold(s);
  }
  /** The held command will not be sent (aborted: the logout ended its lookup). */
  unhold(s: number, aborted: boolean): void {
    this.drain(this.core.unhold(s, aborted ? 1 : 0));
  }
  tasksInFlight(): number {
    return this.tasks.size;
  }

  cancel(op: number): number {
    const hr = this.core.cancel(op) >>> 0;
    this.drain(this.core.actions());
    return hr;
  }

  /** The core's IO region (a raw CDB goes there). */
  io(): Uint8Array {
    return this.v.io;
  }

  /** Writes TLV parameters into the core's IO region; returns the byte length. */
  params(list: readonly (readonly [number, ParamValue])[]): number {
    return writeParams(this.v.io, list);
  }

  /** Resolves once the core has closed every socket (a logged-out session's connection lingers
   *  for the target's FIN, docs/logout.md), or after `ms`, whichever comes first. */
  socketsClosed(ms: number): Promise<void> {
    if (!this.conns.size) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        t.cancel();
        this.#closed.splice(this.#closed.indexOf(done) >>> 0, 1);
        resolve();
      };
      const t = this.host.timer(ms, done);
      this.#closed.push(done);
    });
  }
  #closed: (() => void)[] = [];

  /** Closes every socket still open and tells the core each is lost, so every operation still
   *  running ends (and every handle resolves); cancels what timers are left; then waits, at most
   *  `boundMs`, for connects still in flight to settle, so none outlives the adapter. */
  dispose(boundMs = 5000): Promise<void> {
    for (const c of [...this.conns.keys()]) {
      const e = this.conns.get(c);
      if (!e) continue;
      this.conns.delete(c);
      e.connecting?.abort();
      this.closeConn(e.conn);
      this.drain(this.core.lost(c, 0));
    }
    for (const [, t] of this.timers) t.cancel();
    this.timers.clear();
    if (!this.connecting.size && !this.releasing.size) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = this.host.timer(boundMs, resolve);
      Promise.allSettled([...this.connecting, ...this.releasing]).then(() => {
        t.cancel();
        resolve();
      });
    });
  }
  /** Closes `conn`; where the runtime lets go of it later (a WebSocket), dispose() waits for that. */
  private closeConn(conn: Conn | undefined): void {
    if (!conn) return;
    conn.close();
    const r = conn.released;
    if (!r || this.releasing.has(r)) return;
    this.releasing.add(r);
    r.then(() => this.releasing.delete(r));
  }
  private releasing = new Set<Promise<void>>();

  openSockets(): number {
    return this.conns.size + this.connecting.size;
  }
  armedTimers(): number {
    return this.timers.size;
  }

  private drain(n: number): void {
    this.loop.drain(n);
    this.wake();
  }

  /** Sessions with commands waiting for a place (docs/io.md): the core frees places without
   *  telling (an abort's answer, a LUN RESET), so each is offered another try after every batch
   *  of core work, in a microtask. Work a try does itself wakes no one, so a full session tries
   *  once per batch, never in a loop. */
  private waiters = new Set<() => void>();
  private waking = false;
  waitForPlace(retry: () => void): void {
    this.waiters.add(retry);
  }
  stopWaiting(retry: () => void): void {
    this.waiters.delete(retry);
  }
  private wake(): void {
    if (this.waking || !this.waiters.size) return;
    this.waking = true;
    queueMicrotask(() => {
      try {
        for (const retry of [...this.waiters]) retry();
      } finally {
        this.waking = false;
      }
    });
  }

  private perform(a: Action): void {
    switch (a.kind) {
      case 'send':
        this.conns.get(a.conn)?.conn?.write(a.bytes);
        break;
      case 'close': {
        const e = this.conns.get(a.conn);
        this.conns.delete(a.conn);
        e?.connecting?.abort();
        this.closeConn(e?.conn);
        if (!this.conns.size) { for (const f of this.#closed.splice(0)) f(); }
        break;
      }
      case 'arm': {
        this.timers.get(a.timer)?.cancel();
        const id = a.timer;
        this.timers.set(
          id,
          this.host.timer(a.ms, () => {
            this.timers.delete(id);
            this.drain(this.core.timer(id));
          }, a.hold !== 0),
        );
        break;
      }
      case 'cancel':
        this.timers.get(a.timer)?.cancel();
        this.timers.delete(a.timer);
        break;
      case 'connect': {
        // An address of the core's own (a recovery's portal, a redirect's TargetAddress): the
        // session's last one is where a recovery that ends now has brought it.
        const named = a.bytes.length ? parsePortal(dec.decode(a.bytes)) : null;
        if (named) this.dialed.set(a.session, named);
        this.connect(a.conn, a.op, a.session, a.bytes.length ? named : this.ops.get(a.op)?.portal);
        break;
      }
      case 'op-done': {
        const sink = this.ops.get(a.op);
        this.ops.delete(a.op);
        sink?.done(a);
        break;
      }
      case 'session-result':
        this.ops.get(a.op)?.sessionResult?.(a);
        break;
      case 'data-in': {
        const t = this.tasks.get(a.task);
        t?.buffer.set(this.v.rx.subarray(a.rxAt, a.rxAt + a.count), a.offset);
        break;
      }
      case 'send-data':
        this.sendData(a.conn, a.bytes, this.tasks.get(a.task)?.buffer, a.offset, a.plen, a.pad, a.digest);
        break;
      case 'task-done': {
        const t = this.tasks.get(a.task);
        this.tasks.delete(a.task);
        t?.done(a);
        break;
      }
      case 'event':
        this.events.event(a);
        break;
      case 'chap-answer':
        this.chap(a.conn, a.algorithm, a.identifier, a.bytes, false);
        break;
      case 'chap-verify':
        this.chap(a.conn, a.algorithm, a.identifier, a.bytes, true);
        break;
      case 'logged-in': {
        const sink = this.ops.get(a.op);
        // A session that recovers logs in again with no operation behind it: it keeps its secrets.
        if (sink?.secrets) this.secrets.set(a.session, sink.secrets);
        sink?.loggedIn?.(a);
        break;
      }
      case 'text':
        this.ops.get(a.op)?.text?.(a, dec.decode(a.bytes));
        break;
      case 'progress':
        this.ops.get(a.op)?.progress?.(a);
        break;
      case 'session-gone':
        this.secrets.delete(a.session);
        this.dialed.delete(a.session);
        this.events.sessionGone(a.session);
        break;
      case 'login-status':
        this.ops.get(a.op)?.loginStatus?.(a);
        break;
      case 'joined':
        break; // handled by startOp, before anything else acts
      case 'more':
        break; // followed by the loop (core-loop.ts), once the rest of its batch is done
    }
  }

  /** A PDU whose data segment is bytes of the caller's buffer: the header the core built, the
   *  bytes themselves (no copy on the way), padding, and the data digest the core computes. */
  private sendData(
    c: number,
    header: Uint8Array,
    buffer: Uint8Array | undefined,
    offset: number,
    plen: number,
    pad: number,
    digest: number,
  ): void {
    const conn = this.conns.get(c)?.conn;
    if (!conn || !buffer) return;
    const payload = buffer.subarray(offset, offset + plen);
    conn.write(header);
    conn.write(payload);
    if (pad) conn.write(new Uint8Array(pad));
    if (digest) {
      this.v.payload.set(payload);
      this.v.payload.fill(0, plen, plen + pad);
      const d = new Uint8Array(4);
      new DataView(d.buffer).setUint32(0, this.core.payloadDigest(plen + pad) >>> 0, true);
      conn.write(d);
    }
  }

  // The core asked for a digest over a secret it never sees; it gets back only the digest.
  private chap(c: number, algorithm: number, identifier: number, challenge: Uint8Array, verify: boolean): void {
    const e = this.conns.get(c);
    const secrets = this.ops.get(e?.op ?? -1)?.secrets ?? this.secrets.get(e?.session ?? -1);
    const secret = verify ? secrets?.targetSecret : secrets?.secret;
    let digest: Uint8Array = new Uint8Array(0);
    try {
      if (secret !== undefined) digest = chapDigest(this.host.digest, algorithm, identifier, secret, challenge);
    } catch { /* empty digest: the core fails the login */ }
    this.v.rx.set(digest);
    this.drain(verify ? this.core.chapExpected(c, digest.length) : this.core.chapAnswer(c, digest.length));
  }

  /** Nothing thrown while handling a socket escapes into the runtime's socket callback (Bun
   *  would swallow it, Node and Deno would crash): the connection is closed, the core told. */
  private guard(c: number, current: () => boolean, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      if (current()) {
        const e = this.conns.get(c)!;
        this.conns.delete(c);
        this.closeConn(e.conn);
        try {
          this.drain(this.core.lost(c, 0));
        } catch { /* reported below */ }
      }
      this.events.internalError(err);
    }
    this.wake();
  }

  /** Where session `s` last connected to an address the core named: after a recovery, where it is
   *  (a redirect answering the re-login included). */
  dialedPortal(s: number): Portal | undefined {
    return this.dialed.get(s);
  }

  private connect(c: number, op: number, session: number, portal: Portal | null | undefined): void {
    const entry: ConnEntry = { op, session, portal: portal ?? undefined, connecting: new ConnectAbort() };
    this.conns.set(c, entry);
    if (!portal) {
      this.drain(this.core.lost(c, 1));
      return;
    }
    const current = () => this.conns.get(c) === entry;
    // A host that throws instead of rejecting fails the connect all the same, never the caller's call.
    let attempt: Promise<Conn>;
    try {
      attempt = this.host.connect({ ...portal, signal: entry.connecting }, {
        onData: (chunk) => this.guard(c, current, () => this.loop.feed(c, chunk, current)),
        onEnd: () => this.guard(c, current, () => current() && this.drain(this.core.lost(c, 0))),
        onClose: () => this.guard(c, current, () => current() && this.drain(this.core.lost(c, 0))),
        readBuffer: this.v.rx,
      });
    } catch (e) {
      attempt = Promise.reject(e);
    }
    // Tracked until it settles: a connect the core gave up on is aborted, or closed on arrival.
    const settled = attempt.then((conn) => {
      entry.connecting = undefined;
      if (!current()) {
        this.closeConn(conn);
        return;
      }
      entry.conn = conn;
      this.drain(this.core.up(c));
    }, (e) => {
      entry.connecting = undefined;
      if (!current()) return;
      this.ops.get(op)?.transportError?.(transportText(e, portalText(portal)), e);
      this.drain(this.core.lost(c, 1));
    }).finally(() => this.connecting.delete(settled));
    this.connecting.add(settled);
  }
}
