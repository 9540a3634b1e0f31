// The IVdsAsync handle: queryStatus / wait / cancel over what the core reported. Every number
// here comes from the core; the handle only remembers it and wakes waiters.
import { HR, hrName, OPERATION_TYPE_NAMES, SUCCEEDED } from './codes.ts';
import type { TimerHandle } from './types.ts';
import type { SessionOutcome } from './api.ts';
import { deliver, type Report, rethrowLater } from './deliver.ts';
import { failureText } from './explain.ts';

export interface WaitResult<T> {
  hr: number;
  output: T;
}

/** Rejection of the idiomatic promise form: the HRESULT, its name and the per-item output. */
export class IscsiError<T = unknown> extends Error {
  /** `reason`: for a SCSI command, why it ended without the target's answer (docs/io.md). */
  constructor(readonly hr: number, readonly output: T, readonly reason?: string, detail?: string) {
    super(detail ?? `${hrName(hr)} (0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, '0')})`);
    this.name = 'IscsiError';
  }
  /** The HRESULT's name, e.g. VDS_E_ISCSI_LOGIN_FAILED. */
  get hrName(): string {
    return hrName(this.hr);
  }
  /** For a logout: each session's outcome (the output's `sessions`); undefined for anything else. */
  get sessions(): SessionOutcome[] | undefined {
    return (this.output as { sessions?: SessionOutcome[] })?.sessions;
  }
}

/** `e` with an AbortSignal's own reason (a TimeoutError, the caller's value) reachable as its `cause`. */
export function withCause<E extends Error>(e: E, cause: unknown): E {
  if (cause !== undefined) Object.defineProperty(e, 'cause', { value: cause, configurable: true, writable: true });
  return e;
}

/** How the adapter feeds a handle the core's figures; not part of the handle's surface. */
export interface OperationControl {
  progress(pct: number): void;
  finish(hr: number, lateCancel: number): void;
  /** The runtime's error behind `text`, the output's `error` (a refused connect): result()'s
   *  IscsiError has it as its cause while the output's error is still that text. */
  cause(err: unknown, text: string): void;
}
let controlOf: <T>(op: AsyncOperation<T>) => OperationControl;

const INSPECT = Symbol.for('nodejs.util.inspect.custom'), DENO_INSPECT = Symbol.for('Deno.customInspect');

export class AsyncOperation<T> {
  static {
    controlOf = (op) => ({
      progress: (p) => op.#progressTo(p),
      finish: (hr, late) => op.#finishWith(hr, late),
      cause: (err, text) => void (op.#cause = { err, text }),
    });
  }
  #hr: number = HR.VDS_E_OPERATION_PENDING;
  #cause?: { err: unknown; text: string };
  #pct = 0;
  #done = false;
  #lateCancel: number = HR.VDS_E_CANCEL_TOO_LATE;
  #waiters: (() => void)[] = [];
  #progress: ((pct: number) => void)[] = [];

  constructor(
    readonly type: number,
    readonly output: T,
    private readonly cancelInCore: () => number,
    private readonly timer: (ms: number, fn: () => void) => TimerHandle,
    private readonly report: Report = rethrowLater,
  ) {}

  #progressTo(pct: number): void {
    if (this.#done || pct <= this.#pct) return;
    this.#pct = pct;
    for (const f of this.#progress) deliver(this.report, f, pct);
  }
  #finishWith(hr: number, lateCancel: number): void {
    if (this.#done) return;
    this.#done = true;
    this.#hr = hr >>> 0;
    this.#pct = 100;
    this.#lateCancel = lateCancel >>> 0;
    for (const f of this.#progress) deliver(this.report, f, 100);
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** True once the operation has its final HRESULT. */
  get done(): boolean {
    return this.#done;
  }

  /** Never blocks. Printed (console.log, String()), it shows the code's name. */
  queryStatus(): { hr: number; percentCompleted: number } {
    const st = { hr: this.#hr, percentCompleted: this.#pct };
    const text = () =>
      `${hrName(st.hr)} (0x${st.hr.toString(16).toUpperCase().padStart(8, '0')}), ${st.percentCompleted}%`;
    for (const k of ['toString', INSPECT, DENO_INSPECT]) {
      Object.defineProperty(st, k, { value: text, enumerable: false });
    }
    return st;
  }

  /** What console.log shows: the operation's type, whether it is done, and its result. */
  [INSPECT](): string {
    return `AsyncOperation ${OPERATION_TYPE_NAMES[this.type] ?? this.type} { ${
      this.#done ? `done, ${hrName(this.#hr)}` : `running, ${this.#pct}%`
    } }`;
  }
  [DENO_INSPECT](): string {
    return this[INSPECT]();
  }

  /** docs/handle.md: S_OK when it stopped work (sessions whose Logout was not sent stay logged in),
   *  VDS_E_CANCEL_TOO_LATE when everything is already on the wire or the operation ended,
   *  VDS_E_OPERATION_CANCELED after a cancel that already succeeded. Never blocks. */
  cancel(): number {
    if (this.#done) return this.#lateCancel;
    return this.cancelInCore() >>> 0;
  }

  /** With timeoutMs: VDS_E_TIMEOUT when the limit runs out first; the operation goes on. */
  wait(opts: { timeoutMs?: number } = {}): Promise<WaitResult<T>> {
    if (
      opts.timeoutMs !== undefined &&
      !(typeof opts.timeoutMs === 'number' && opts.timeoutMs >= 0 && opts.timeoutMs <= 0x7fffffff)
    ) {
      throw new TypeError('timeoutMs must be a number of milliseconds, 0 to 2^31-1');
    }
    const result = (): WaitResult<T> => ({ hr: this.#hr, output: this.output });
    if (this.#done) return Promise.resolve(result());
    return new Promise((resolve) => {
      let t: TimerHandle | undefined;
      const onDone = () => {
        t?.cancel();
        resolve(result());
      };
      this.#waiters.push(onDone);
      if (opts.timeoutMs !== undefined) {
        t = this.timer(opts.timeoutMs, () => {
          this.#waiters = this.#waiters.filter((f) => f !== onDone);
          resolve({ hr: HR.VDS_E_TIMEOUT, output: this.output });
        });
      }
    });
  }

  /** Progress callbacks (0..100, never decreasing). */
  onProgress(fn: (pct: number) => void): this {
    this.#progress.push(fn);
    return this;
  }

  /** Resolves with the output on SUCCEEDED(hr), rejects with IscsiError otherwise. An aborted
   *  `signal` calls cancel(); when that cancel ends the operation (VDS_E_OPERATION_CANCELED), the
   *  error's `cause` is the signal's own reason (a TimeoutError from AbortSignal.timeout(), the
   *  caller's value), as Node's own AbortErrors carry it; otherwise a failure the runtime reported
   *  (a refused connect, a bridge's refusal) is the `cause`. */
  result(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
    const cause = (out: T) => {
      const c = this.#cause;
      return c && (out as { error?: unknown })?.error === c.text ? c.err : undefined;
    };
    return settled((o) => this.wait(o), () => void this.cancel(), opts, cause);
  }
}

/** result() of a handle on either side of the daemon's socket: its output on SUCCEEDED(hr),
 *  IscsiError otherwise; an aborted `signal` cancels, and when that cancel ended the operation the
 *  error's `cause` is the signal's reason. */
export async function settled<T>(
  wait: (o: { timeoutMs?: number }) => Promise<{ hr: number; output: T }>,
  cancel: () => void,
  opts: { signal?: AbortSignal; timeoutMs?: number },
  cause: (output: T) => unknown = () => undefined,
): Promise<T> {
  const onAbort = () => cancel();
  if (opts.signal?.aborted) cancel();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const { hr, output } = await wait({ timeoutMs: opts.timeoutMs });
    if (SUCCEEDED(hr)) return output;
    const err = new IscsiError(hr, output, undefined, failureText(hr, output));
    if (hr === HR.VDS_E_OPERATION_CANCELED && opts.signal?.aborted) throw withCause(err, opts.signal.reason);
    const why = cause(output);
    throw why === undefined ? err : withCause(err, why);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** A new handle and the control the adapter keeps to report into it. */
export function newOperation<T>(
  type: number,
  output: T,
  cancelInCore: () => number,
  timer: (ms: number, fn: () => void) => TimerHandle,
  report: Report,
): [AsyncOperation<T>, OperationControl] {
  const op = new AsyncOperation(type, output, cancelInCore, timer, report);
  return [op, controlOf(op)];
}
