// The runtime-neutral adapter (README, docs/logout.md, docs/login.md): ids, names and JavaScript objects around the core.
// The lib reference gives consumers whose lib predates them Symbol.asyncDispose and AsyncDisposable, as @types/node does.
/// <reference lib="esnext.disposable" preserve="true" />
import type { Host } from './types.ts';
import type { ParamValue } from './core-loop.ts';
import { Engine, type OpSink } from './engine.ts';
import { type AsyncOperation, newOperation, type OperationControl } from './async-operation.ts';
import { Session } from './session.ts';
import {
  CODE,
  CONNECTION_STATE_NAMES,
  type EventType,
  HR,
  hrName,
  KEY_NAMES,
  LOGIN_RESULT_NAMES,
  type LoginResult,
  REASON_NAMES,
  type SessionReason,
} from './codes.ts';
import type {
  AdapterEvent,
  AdapterOptions,
  Auth,
  ChapAlgorithm,
  DigestOption,
  DiscoveredTarget,
  DiscoverOutput,
  InflightPolicy,
  LoginOutput,
  LoginRequest,
  LogoutOptions,
  LogoutOutput,
  SessionInfo,
  SessionState,
} from './api.ts';
import { type Report, rethrowLater } from './deliver.ts';
import { type EventOf, listenerArgs, Listeners } from './listeners.ts';
import { loginEndText, type LoginLimits, negotiationText } from './explain.ts';
import { checkAdapterOptions } from './adapter-options.ts';
import { toEvent } from './events.ts';
import { GUID_RE, ISCSI_NAME_RE, newGuid, parsePortal, type Portal, portalText } from './ids.ts';
import {
  type AnyAuth,
  authProblem,
  delaysProblem,
  digestProblem,
  digestTypeError,
  DISCOVER_NUMBERS,
  INFLIGHT_POLICIES,
  LOGIN_NUMBERS,
  loginProblem,
  LOGOUT_NUMBERS,
  logoutProblem,
  longerThan,
  MAX_NAME_BYTES,
  numbersProblem,
  numberTypeError,
  portalProblem,
  RECONNECT_NUMBERS,
} from './arguments.ts';

const ALGORITHM_BITS: Record<ChapAlgorithm, number> = {
  md5: CODE.LOGIN_CHAP_MD5,
  sha1: CODE.LOGIN_CHAP_SHA1,
  sha256: CODE.LOGIN_CHAP_SHA256,
  'sha3-256': CODE.LOGIN_CHAP_SHA3_256,
};

interface TargetEntry {
  slot: number;
  id: string;
  name: string;
  portals: Set<string>;
  /** What the last discovery said of each portal (host:port as portalText writes it). */
  portalTags: Map<string, number>;
}
interface SessionEntry {
  id: string;
  target: TargetEntry;
  portal: string;
  tsih: number;
  /** Where it may come back when it recovers, as the core was given them (the login's first). */
  portals: string[];
  disk?: Session;
}

/** A digest option as login() flag bits: the one that requires CRC32C, or the one that prefers it. */
const digestBits = (v: DigestOption | undefined, required: number, prefer: number): number =>
  v === true || v === 'required' ? required : v === 'prefer' ? prefer : 0;
const AUTH_CODES = { none: CODE.AUTH_NONE, chap: CODE.AUTH_CHAP, 'mutual-chap': CODE.AUTH_MUTUAL_CHAP } as const;
/** A caller's duration or count for the core: undefined -> the default; anything that is not a
 *  non-negative whole number in u32 range -> 0xFFFFFFFF, which the core refuses (E_INVALIDARG). */
const u32Arg = (v: unknown, def: number): number =>
  v === undefined
    ? def
    : Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff
    ? (v as number)
    : 0xffffffff;

// Node before 20.4 has no Symbol.asyncDispose; later Node 20 releases define it as this same
// registered symbol, so the method is found there under the name those releases use.
const ASYNC_DISPOSE: typeof Symbol.asyncDispose = (Symbol as { asyncDispose?: typeof Symbol.asyncDispose })
  .asyncDispose ?? Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose;

export class Adapter implements AsyncDisposable {
  readonly id: string;
  readonly name: string;
  private engine: Engine;
  private targets = new Map<number, TargetEntry>();
  /** Live sessions by core slot. */
  private held = new Map<number, SessionEntry>();
  private listeners = new Listeners();
  private closed = false;
  private disposed = false;
  private closing?: Promise<void>;
  private logins = new Set<AsyncOperation<LoginOutput>>();
  /** Running logouts by core operation: their output and every handle over them (joins add one). */
  private logouts = new Map<number, { output: LogoutOutput; controls: OperationControl[] }>();
  private report: Report;

  constructor(private host: Host, private opts: AdapterOptions = {}) {
    checkAdapterOptions(opts);
    if (
      opts.initiatorName !== undefined &&
      (!ISCSI_NAME_RE.test(opts.initiatorName) || longerThan(opts.initiatorName, MAX_NAME_BYTES))
    ) {
      throw new TypeError(`initiatorName must be an iqn./eui./naa. name of at most ${MAX_NAME_BYTES} bytes`);
    }
    this.report = opts.onCallbackError ?? rethrowLater;
    this.id = newGuid(host.random);
    this.name = opts.initiatorName ?? `iqn.2026-11.dev.iscsi-adapter:${this.id.slice(0, 8)}`;
    this.engine = new Engine(host, {
      sessionGone: (s) => this.held.delete(s),
      // A defect of ours, not the target's: said where the caller asked, else on stderr; the
      // affected connection has already ended, and the process goes on.
      internalError: (err) => (opts.onCallbackError ?? ((e) => console.error('iscsi-adapter: internal error', e)))(err),
      event: (a) => {
        const sess = this.held.get(a.session);
        const e = toEvent(a, sess?.id, sess?.target.id, sess?.portals);
        if (sess && e.type === 'session-recovered') {
          // The core names the portal it tried; a redirect answering that re-login took the
          // session elsewhere, to the address last connected to.
          const at = this.engine.dialedPortal(a.session);
          if (at) e.portal = portalText(at);
          [sess.tsih, sess.portal] = [e.tsih, e.portal];
        }
        this.listeners.emit(e, this.report);
      },
    }, { sessions: opts.maxSessions, tasks: opts.maxCommands, perSession: opts.maxCommandsPerSession });
  }

  /** A new handle over core operation `op`, and the control the adapter reports into it with. */
  private operation<T>(type: number, output: T, op: number): [AsyncOperation<T>, OperationControl] {
    return newOperation(type, output, () => this.engine.cancel(op), this.host.timer, this.report);
  }

  /** This initiator adapter's id (a GUID) and its iSCSI initiator name. */
  getProperties(): { id: string; name: string } {
    return { id: this.id, name: this.name };
  }

  /** Events the target started (async messages, rejects, pings answered, sessions lost), every
   *  one or those of one type (docs/events.md). Each call is one registration; the function
   *  returned removes it. The name and the listener are checked now (TypeError), not at the
   *  first event. */
  on(listener: (e: AdapterEvent) => void): () => void;
  on<T extends EventType>(type: T, listener: (e: EventOf<T>) => void): () => void;
  on(a: unknown, b?: unknown): () => void {
    const [type, fn] = listenerArgs('on', a, b);
    this.assertOpen('on');
    return this.listeners.add(type, fn, false);
  }
  /** As on(), for the next such event only. */
  once(listener: (e: AdapterEvent) => void): () => void;
  once<T extends EventType>(type: T, listener: (e: EventOf<T>) => void): () => void;
  once(a: unknown, b?: unknown): () => void {
    const [type, fn] = listenerArgs('once', a, b);
    this.assertOpen('once');
    return this.listeners.add(type, fn, true);
  }
  // A listener added once close() has finished would never hear anything: say so rather than
  // take it. While close() runs, its drain and logouts still send events, so one is taken then.
  private assertOpen(call: string): void {
    if (this.disposed) throw new Error(`${call}(): the adapter is closed, so no event will come`);
  }
  /** Removes one registration of `listener` made by on() or once() with the same type (or none). */
  off(listener: (e: AdapterEvent) => void): this;
  off<T extends EventType>(type: T, listener: (e: EventOf<T>) => void): this;
  off(a: unknown, b?: unknown): this {
    const [type, fn] = listenerArgs('off', a, b);
    this.listeners.remove(type, fn);
    return this;
  }

  private learnTarget(name: string): TargetEntry {
    for (const t of this.targets.values()) if (t.name === name) return t;
    const slot = this.engine.core.targetNew();
    if (slot < 0) throw new RangeError('too many targets');
    const t: TargetEntry = { slot, id: newGuid(this.host.random), name, portals: new Set(), portalTags: new Map() };
    this.targets.set(slot, t);
    return t;
  }
  /** A target id or IQN -> slot; -1 = well formed but unknown, -2 = malformed. */
  private resolve(target: unknown): number {
    if (typeof target !== 'string') throw new TypeError('target must be a target id or an iSCSI name');
    for (const t of this.targets.values()) {
      if (t.id.toLowerCase() === target.toLowerCase() || t.name === target) return t.slot;
    }
    return (GUID_RE.test(target) || ISCSI_NAME_RE.test(target)) && !longerThan(target, MAX_NAME_BYTES) ? -1 : -2;
  }

  private loginParams(
    target: string | undefined,
    a: AnyAuth | undefined,
    noop: [number, number] = [0, 0],
    portalTag?: number,
    recovery?: { ms: number[]; portals: string[] },
  ): number {
    const list: [number, ParamValue][] = [[CODE.P_INITIATOR_NAME, this.name], [CODE.P_RANDOM, this.host.random(32)]];
    if (recovery) list.push([CODE.P_RECOVERY, recovery.ms], [CODE.P_PORTALS, recovery.portals.join('\0')]);
    if (noop[0]) list.push([CODE.P_KEEPALIVE_MS, noop]);
    const tmf = this.opts.taskManagementTimeoutMs;
    if (tmf !== undefined) list.push([CODE.P_TMF_MS, [tmf]]);
    if (portalTag !== undefined) list.push([CODE.P_PORTAL_GROUP_TAG, [portalTag]]);
    if (target) list.push([CODE.P_TARGET_NAME, target]);
    if (a?.user) list.push([CODE.P_CHAP_USER, a.user]);
    if (a?.targetUser) list.push([CODE.P_CHAP_TARGET_USER, a.targetUser]);
    return this.engine.params(list);
  }

  /** Logs in to `target` at `portal` (with CHAP when `auth` says so) and returns at once with a
   *  handle; its output names the session (`sessionId`), what was negotiated, or why it failed
   *  (`result`, the target's `status`, `error`). Bad arguments finish the handle E_INVALIDARG
   *  with `error` naming the argument; a value of the wrong type throws TypeError. */
  loginToTarget(req: LoginRequest): AsyncOperation<LoginOutput> {
    if (!req || typeof req !== 'object') throw new TypeError('loginToTarget takes { target, portal, auth? }');
    if (typeof req.target !== 'string') throw new TypeError('target must be a string: a target id or an iSCSI name');
    if (typeof req.portal !== 'string') throw new TypeError('portal must be a string: host[:port]');
    if (req.auth !== undefined && (typeof req.auth !== 'object' || req.auth === null)) {
      throw new TypeError('auth must be an object');
    }
    if (req.reconnect !== undefined && (typeof req.reconnect !== 'object' || req.reconnect === null)) {
      throw new TypeError('reconnect must be an object');
    }
    const wrongType = digestTypeError('headerDigest', req.headerDigest) ??
      digestTypeError('dataDigest', req.dataDigest) ??
      numberTypeError(req, LOGIN_NUMBERS) ??
      (req.reconnect ? numberTypeError(req.reconnect, RECONNECT_NUMBERS, 'reconnect.') : undefined);
    if (wrongType) throw wrongType;
    const a = req.auth as AnyAuth | undefined;
    const problem = this.closed ? 'the adapter is closed' : loginProblem(req.target, req.portal, a) ??
      digestProblem('headerDigest', req.headerDigest) ??
      digestProblem('dataDigest', req.dataDigest) ??
      numbersProblem(req, LOGIN_NUMBERS) ??
      numbersProblem(req.reconnect ?? {}, RECONNECT_NUMBERS, 'reconnect.') ??
      delaysProblem(
        req.reconnect?.minDelayMs ?? this.opts.reconnect?.minDelayMs ?? CODE.RECOVERY_DELAY_MIN_MS,
        req.reconnect?.maxDelayMs ?? this.opts.reconnect?.maxDelayMs ?? CODE.RECOVERY_DELAY_MAX_MS,
      );
    const portal = parsePortal(req.portal);
    const slot = problem ? -2 : this.resolve(req.target);
    const target = problem ? undefined : slot >= 0 ? this.targets.get(slot)! : this.learnTarget(req.target);
    const valid = !problem && !!target;
    const output: LoginOutput = {
      targetId: target?.id,
      targetName: target?.name,
      portal: portal ? portalText(portal) : String(req.portal),
      redirects: [],
      ...(problem ? { result: this.closed ? 'adapter-closed' : 'invalid-argument', error: problem } : {}),
    };
    const auth = AUTH_CODES[(a?.method ?? 'none') as keyof typeof AUTH_CODES] ?? CODE.AUTH_NONE;
    const flags = digestBits(req.headerDigest, CODE.LOGIN_HEADER_DIGEST, CODE.LOGIN_HEADER_DIGEST_PREFER) |
      digestBits(req.dataDigest, CODE.LOGIN_DATA_DIGEST, CODE.LOGIN_DATA_DIGEST_PREFER) |
      (a?.algorithms ?? []).reduce((m, alg) => m | (ALGORITHM_BITS[alg] ?? 0), 0);
    const portalTag = valid && portal ? target!.portalTags.get(portalText(portal)) : undefined;
    // Recovery: the login's portal first, then the others this adapter knows for the target.
    const here = portal ? portalText(portal) : '';
    const portals = [here, ...[...(target?.portals ?? [])].filter((p) => p !== here)];
    let joined = 0;
    const fit = portals.filter((p) => (joined += p.length + 1) <= 250);
    const recovery = valid && (req.recovery ?? this.opts.recovery ?? true)
      ? {
        ms: [
          u32Arg(req.replacementTimeoutMs ?? this.opts.replacementTimeoutMs, CODE.RECOVERY_REPLACE_MS),
          u32Arg(req.reconnect?.minDelayMs ?? this.opts.reconnect?.minDelayMs, CODE.RECOVERY_DELAY_MIN_MS),
          u32Arg(req.reconnect?.maxDelayMs ?? this.opts.reconnect?.maxDelayMs, CODE.RECOVERY_DELAY_MAX_MS),
          u32Arg(req.reconnect?.maxAttempts ?? this.opts.reconnect?.maxAttempts, 0),
        ],
        portals: fit,
      }
      : undefined;
    const ioLen = this.loginParams(
      target?.name,
      valid ? a : undefined,
      // keepaliveMs, the older name, sets both; otherwise open-iscsi's 5 s and 5 s.
      [
        u32Arg(req.keepaliveMs ?? req.noopIntervalMs ?? this.opts.noopIntervalMs, CODE.NOOP_DEFAULT_MS),
        u32Arg(req.keepaliveMs ?? req.noopTimeoutMs ?? this.opts.noopTimeoutMs, CODE.NOOP_DEFAULT_MS),
      ],
      portalTag,
      recovery,
    );
    let handle!: AsyncOperation<LoginOutput>;
    const limits: LoginLimits = {
      connectMs: u32Arg(req.connectTimeoutMs ?? this.opts.connectTimeoutMs, 5000),
      loginMs: u32Arg(req.loginTimeoutMs ?? this.opts.loginTimeoutMs, 15000),
      loginOption: 'loginTimeoutMs',
      what: 'login',
    };
    this.engine.startOp(
      (core) => core.login(valid ? target!.slot : -1, auth, flags, limits.connectMs, limits.loginMs, ioLen),
      (op) => {
        let control: OperationControl;
        [handle, control] = this.operation(CODE.ASYNC_LOGINTOTARGET, output, op);
        this.logins.add(handle);
        const sink = this.loginSink(control, output, req, limits, portal ?? undefined, a, target, portalTag, fit);
        return {
          ...sink,
          done: (a) => {
            this.logins.delete(handle);
            sink.done(a);
          },
        };
      },
    );
    return handle;
  }

  private loginSink(
    control: OperationControl,
    output: LoginOutput,
    /** What the caller asked for, so a failed negotiation can say which of its wishes the target refused. */
    asked: Pick<LoginRequest, 'headerDigest' | 'dataDigest'>,
    /** The waits the core was given, so a timeout can say which ran out and how long it was. */
    limits: LoginLimits,
    portal: Portal | undefined,
    auth: AnyAuth | undefined,
    target?: TargetEntry,
    portalTag?: number,
    portals: string[] = [],
  ): OpSink {
    return {
      portal,
      secrets: auth?.secret !== undefined ? { secret: auth.secret, targetSecret: auth.targetSecret } : undefined,
      loggedIn: ({ session: s, tsih }) => {
        output.sessionId = newGuid(this.host.random);
        output.tsih = tsih;
        output.result = 'ok';
        const negotiated: Record<string, number> = {};
        for (const [name, k] of KEY_NAMES) negotiated[name] = this.engine.core.sessionParam(s, k) >>> 0;
        output.negotiated = negotiated;
        this.held.set(s, { id: output.sessionId, target: target!, portal: output.portal, tsih, portals });
        target!.portals.add(output.portal);
      },
      loginStatus: ({ status, reason, detail }) => {
        output.status = status;
        output.statusClass = status >> 8;
        output.statusDetail = status & 0xff;
        output.result = LOGIN_RESULT_NAMES[reason] as LoginResult;
        if (reason === CODE.L_PORTAL_GROUP_MISMATCH) {
          output.error = `the target declared TargetPortalGroupTag=${detail}; discovery reported ${portalTag} for ${
            portal ? portalText(portal) : output.portal
          }`;
        }
        if (reason === CODE.L_NEGOTIATION_FAILED) output.error = negotiationText(detail, asked);
        output.error = loginEndText(reason, detail, limits) ?? output.error;
      },
      text: (a, value) => {
        if (a.textKind === CODE.TEXT_REDIRECT) {
          output.redirects.push(value);
          output.portal = value;
        }
      },
      transportError: (text, err) => {
        output.error = text;
        control.cause(err, text);
      },
      progress: (a) => control.progress(a.percent),
      done: (a) => control.finish(a.hr, a.lateCancel),
    };
  }

  /** SendTargets on a discovery session (with CHAP when `auth` says so), then its Logout. */
  discover(
    portalText_: string,
    opts: { connectTimeoutMs?: number; timeoutMs?: number; auth?: Auth } = {},
  ): AsyncOperation<DiscoverOutput> {
    if (typeof portalText_ !== 'string') throw new TypeError('portal must be a string: host[:port]');
    if (typeof opts !== 'object' || opts === null) throw new TypeError('discover options must be an object');
    const wrongType = numberTypeError(opts, DISCOVER_NUMBERS);
    if (wrongType) throw wrongType;
    const a = opts.auth as AnyAuth | undefined;
    const problem = this.closed ? 'the adapter is closed' : portalProblem(portalText_) ?? authProblem(a) ??
      numbersProblem(opts, DISCOVER_NUMBERS);
    const portal = problem ? null : parsePortal(portalText_);
    const output: DiscoverOutput = {
      portal: portal ? portalText(portal) : portalText_,
      targets: [],
      ...(problem ? { result: this.closed ? 'adapter-closed' : 'invalid-argument', error: problem } : {}),
    };
    const ioLen = this.loginParams(undefined, problem ? undefined : a);
    const auth = AUTH_CODES[(a?.method ?? 'none') as keyof typeof AUTH_CODES] ?? CODE.AUTH_NONE;
    const algorithms = (a?.algorithms ?? []).reduce((m, alg) => m | (ALGORITHM_BITS[alg] ?? 0), 0);
    let handle!: AsyncOperation<DiscoverOutput>;
    let last: { out: DiscoveredTarget; entry: TargetEntry } | undefined;
    const limits: LoginLimits = {
      connectMs: portal ? u32Arg(opts.connectTimeoutMs ?? this.opts.connectTimeoutMs, 5000) : 0,
      loginMs: u32Arg(opts.timeoutMs ?? this.opts.loginTimeoutMs, 15000),
      // Named by the option the limit came from: the call's timeoutMs, or the adapter's loginTimeoutMs.
      loginOption: opts.timeoutMs === undefined ? 'loginTimeoutMs' : 'timeoutMs',
      what: 'discovery',
    };
    this.engine.startOp(
      (core) => core.login(0, auth, CODE.LOGIN_DISCOVERY | algorithms, limits.connectMs, limits.loginMs, ioLen),
      (op) => {
        let control: OperationControl;
        [handle, control] = this.operation(CODE.ASYNC_DISCOVER, output, op);
        return {
          portal: portal ?? undefined,
          secrets: a?.secret !== undefined ? { secret: a.secret, targetSecret: a.targetSecret } : undefined,
          text: ({ textKind: kind, tag }, value) => {
            if (kind === CODE.TEXT_TARGET_NAME) {
              const entry = this.learnTarget(value);
              last = { out: { id: entry.id, name: entry.name, portals: [], portalGroupTags: {} }, entry };
              output.targets.push(last.out);
            } else if (kind === CODE.TEXT_TARGET_ADDRESS && last) {
              last.out.portals.push(value);
              last.entry.portals.add(value);
              const at = parsePortal(value);
              const key = at ? portalText(at) : value;
              if (tag === CODE.TAG_NONE) last.entry.portalTags.delete(key);
              else {
                last.out.portalGroupTags[value] = tag;
                last.entry.portalTags.set(key, tag);
              }
            }
          },
          loginStatus: ({ status, reason, detail }) => {
            output.result = LOGIN_RESULT_NAMES[reason] as LoginResult;
            if (status) output.status = status;
            output.error = loginEndText(reason, detail, limits) ?? output.error;
          },
          transportError: (text, err) => {
            output.error = text;
            control.cause(err, text);
          },
          done: (a) => control.finish(a.hr, a.lateCancel),
        };
      },
    );
    return handle;
  }

  /** LogoutFromTarget (docs/logout.md): logs out of every session this adapter holds to
   *  `target` (its id or IQN) and returns at once with a handle to cancel, wait on or query.
   *  The final HRESULT is the contract's aggregate; `output.sessions` has each session's outcome.
   *  A call while one for the same target runs joins it. */
  logoutFromTarget(target: string, opts: LogoutOptions = {}): AsyncOperation<LogoutOutput> {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('logoutFromTarget options must be an object');
    const wrongType = numberTypeError(opts, LOGOUT_NUMBERS) ??
      (opts.inflight !== undefined && typeof opts.inflight !== 'string'
        ? new TypeError('inflight must be a string')
        : undefined);
    if (wrongType) throw wrongType;
    // A closed adapter answers as for a malformed id (E_INVALIDARG, adapter-closed).
    return this.logoutNow(this.closed ? -2 : this.resolve(target), opts, target);
  }
  /** `slot`: the target's, or resolve()'s -1 (unknown) / -2 (malformed). */
  private logoutNow(slot: number, opts: LogoutOptions, target?: string): AsyncOperation<LogoutOutput> {
    const entry = this.targets.get(slot);
    const o = { ...this.opts, ...opts };
    // The default of 64 Logouts at once, never more than the sessions an adapter can hold: with
    // maxSessions below 64 the core would refuse it, and nothing would ever log out.
    const cap = this.engine.core.maxSessions();
    const policy = o.inflight ?? 'drain';
    const problem = this.closed && slot === -2
      ? 'the adapter is closed'
      : slot === -2
      ? `target is not a target id or an iSCSI name of at most ${MAX_NAME_BYTES} bytes: ${String(target).slice(0, 300)}`
      : logoutProblem(o, cap);
    let handle!: AsyncOperation<LogoutOutput>;
    this.engine.startOp(
      (core) =>
        core.logout(
          slot,
          u32Arg(o.logoutTimeoutMs, 15000),
          u32Arg(o.concurrency, Math.min(64, cap)),
          u32Arg(o.deadlineMs, 0),
          u32Arg(o.graceMs, 1000),
          Object.hasOwn(INFLIGHT_POLICIES, policy) ? INFLIGHT_POLICIES[policy] : 0xffffffff,
          u32Arg(o.drainTimeoutMs ?? o.logoutTimeoutMs, 15000),
        ),
      (op) => {
        const output: LogoutOutput = {
          targetId: entry?.id,
          targetName: entry?.name,
          sessions: [],
          ...(problem ? { error: problem } : {}),
        };
        let control: OperationControl;
        [handle, control] = this.operation(CODE.ASYNC_LOGOUTFROMTARGET, output, op);
        // Every handle over this operation: its own, and those of callers who join it.
        const holders = { output, controls: [control] };
        this.logouts.set(op, holders);
        return {
          sessionResult: (a) => {
            const sess = this.held.get(a.session);
            output.sessions.push({
              sessionId: sess?.id ?? '',
              portal: sess?.portal ?? '',
              tsih: sess?.tsih ?? 0,
              hr: a.hr,
              hrName: hrName(a.hr),
              reason: REASON_NAMES[a.reason] as SessionReason,
              time2Wait: a.time2Wait,
              time2Retain: a.time2Retain,
              commandsDrained: a.commandsDrained,
              commandsAborted: a.commandsAborted,
            });
          },
          progress: (a) => holders.controls.forEach((h) => h.progress(a.percent)),
          done: (a) => {
            this.logouts.delete(op);
            if (output.error === undefined) {
              if (a.hr === HR.VDS_E_OBJECT_NOT_FOUND) {
                output.error = `no target ${
                  String(target)
                } is known to this adapter: log in to it or discover it first`;
              } else if (a.hr === HR.VDS_E_ISCSI_SESSION_NOT_FOUND) {
                output.error = `this adapter holds no session to ${entry?.name ?? String(target)}`;
              }
            }
            holders.controls.forEach((h) => h.finish(a.hr, a.lateCancel));
          },
        };
      },
      // The core joined a running logout: a second handle over the same operation and output.
      (op) => {
        const holders = this.logouts.get(op)!;
        let control: OperationControl;
        [handle, control] = this.operation(CODE.ASYNC_LOGOUTFROMTARGET, holders.output, op);
        holders.controls.push(control);
      },
    );
    return handle;
  }

  /** A logged-in session as a disk (docs/io.md); undefined when the id names no live session. */
  session(sessionId: string): Session | undefined {
    for (const [slot, e] of this.held) {
      if (e.id !== sessionId) continue;
      e.disk ??= new Session(this.engine, slot, e.id, () => this.held.get(slot) === e);
      return e.disk;
    }
    return undefined;
  }

  /** The targets this adapter knows (logged in to or discovered), each with its live sessions. */
  queryTargets(): {
    id: string;
    name: string;
    portals: string[];
    sessions: { id: string; portal: string; tsih: number; state: SessionState }[];
  }[] {
    return [...this.targets.values()].map((t) => ({
      id: t.id,
      name: t.name,
      portals: [...t.portals],
      sessions: [...this.held.entries()].filter(([, s]) => s.target === t).map(([slot, s]) => ({
        id: s.id,
        portal: s.portal,
        tsih: s.tsih,
        state: this.engine.core.sessionState(slot) === CODE.Q4_FAILED
          ? 'recovering'
          : CONNECTION_STATE_NAMES[this.engine.core.sessionConnState(slot)] ?? 'unknown',
      })),
    }));
  }

  /** Every live session, with its target and the commands it has in flight. */
  sessions(): SessionInfo[] {
    return this.queryTargets().flatMap((t) =>
      t.sessions.map((s) => ({
        id: s.id,
        targetId: t.id,
        target: t.name,
        portal: s.portal,
        tsih: s.tsih,
        state: s.state,
        inflight: this.session(s.id)?.inflight ?? 0,
      }))
    );
  }

  /** Logs out of everything left (bounded by the logout timeouts), then frees every socket and
   *  timer. Logins still in flight are cancelled first, so none completes behind the logout.
   *  After close() every call answers at once: a handle finished with E_INVALIDARG whose
   *  output says `adapter-closed`. Calling close() again waits for the first. */
  close(opts: LogoutOptions = {}): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      for (const l of this.logins) l.cancel();
      await Promise.all([...this.logins].map((l) => l.wait()));
      // A login that had already completed when it was cancelled is a session like the others.
      for (let round = 0; round < 3 && this.held.size; round++) {
        const busy = [...new Set([...this.held.values()].map((s) => s.target))];
        await Promise.all(busy.map((t) => this.logoutNow(t.slot, opts).wait()));
      }
      // Logged-out sessions' sockets wait for the target's FIN, each for its grace at most.
      await this.engine.socketsClosed(u32Arg(opts.graceMs ?? this.opts.graceMs, 1000) + 100);
      await this.engine.dispose();
      this.disposed = true;
    })();
    return this.closing;
  }

  /** `await using adapter = createAdapter()`: close() with its defaults at the end of the block;
   *  a second call waits for the first, as close() does. */
  [ASYNC_DISPOSE](): Promise<void> {
    return this.close();
  }

  /** Bytes of Wasm memory this adapter's core holds (sized when the adapter was made). */
  memoryBytes(): number {
    return this.engine.core.memory.buffer.byteLength;
  }

  /** What targets sent that the core let pass, counted since the adapter was made (docs/core.md):
   *  PDUs with a reserved bit or byte set (ignored, RFC 7143 §11), and PDUs whose data segment
   *  was longer than the 8 KiB the core keeps of one (the rest was skipped, its digest checked). */
  diagnostics(): { reservedIgnored: number; dataSegmentsCut: number } {
    return {
      reservedIgnored: this.engine.core.reservedIgnored() >>> 0,
      dataSegmentsCut: this.engine.core.dataSegmentsCut() >>> 0,
    };
  }

  /** For leak checks in tests: sockets and timers the engine still holds. */
  resources(): { sockets: number; timers: number } {
    return { sockets: this.engine.openSockets(), timers: this.engine.armedTimers() };
  }
}

export { HR };
