// The IVdsAsync handle of an operation the daemon runs (docs/daemon.md, "The handle across the
// socket"): the same methods as AsyncOperation. queryStatus() answers from the last status the
// daemon sent; wait(), cancel() and result() ask the daemon.
import { HR, hrName } from '../codes.ts';
import { settled, type WaitResult } from '../async-operation.ts';
import { deliver, rethrowLater } from '../deliver.ts';
import type { RpcConnection } from './rpc-client.ts';
import type { OperationEnd, OperationStatus } from './protocol.ts';

export class RemoteOperation<T> {
  #hr: number = HR.VDS_E_OPERATION_PENDING;
  #pct = 0;
  #end?: WaitResult<T>;
  #progress: ((pct: number) => void)[] = [];
  #id?: string;

  /** `id`: the daemon's answer to the call that started (or named) the operation. */
  constructor(readonly type: number, private readonly rpc: RpcConnection, readonly id: Promise<string>) {
    // A failed start is reported by wait() and result(); this keeps it from being unhandled here.
    id.then((v) => void (this.#id = v), () => {});
  }

  /** The daemon's id for it, once known (`id` resolves to it). */
  get operationId(): string | undefined {
    return this.#id;
  }
  get done(): boolean {
    return !!this.#end;
  }

  /** What the daemon last said: `{ hr, percentCompleted }`; never blocks. */
  queryStatus(): { hr: number; percentCompleted: number } {
    return { hr: this.#hr, percentCompleted: this.#pct };
  }

  /** Resolves `{ hr, output }` at the end, or VDS_E_TIMEOUT when timeoutMs runs out first (the
   *  operation goes on). Rejects with DaemonError only when the daemon cannot be asked. */
  wait(opts: { timeoutMs?: number } = {}): Promise<WaitResult<T>> {
    const t = opts.timeoutMs;
    if (t !== undefined && !(typeof t === 'number' && t >= 0 && t <= 0x7fffffff)) {
      throw new TypeError('timeoutMs must be a number of milliseconds, 0 to 2^31-1');
    }
    if (this.#end) return Promise.resolve(this.#end);
    return this.id.then(async (operation) => {
      const r = await this.rpc.request<OperationEnd>('wait', {
        operation,
        ...(t === undefined ? {} : { timeoutMs: t }),
      });
      if (r.hr >>> 0 === HR.VDS_E_TIMEOUT && !this.#end) return { hr: r.hr, output: r.output as T };
      this.finished(r);
      return this.#end!;
    });
  }

  /** As AsyncOperation.cancel(), answered by the daemon: a promise of the HRESULT. */
  async cancel(): Promise<number> {
    const operation = await this.id;
    const r = await this.rpc.request<{ hr: number }>('cancel', { operation });
    return r.hr >>> 0;
  }

  /** Progress callbacks (0..100, never decreasing), from the daemon's notifications. */
  onProgress(fn: (pct: number) => void): this {
    if (typeof fn !== 'function') throw new TypeError('onProgress takes a function');
    this.#progress.push(fn);
    return this;
  }

  /** As AsyncOperation.result(): the output on success, IscsiError otherwise. */
  result(opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
    return settled((o) => this.wait(o), () => void this.cancel().catch(() => {}), opts);
  }

  /** The daemon's `status` answer or `progress` notification. */
  progressed(s: Pick<OperationStatus, 'percentCompleted'>): void {
    if (this.#end || s.percentCompleted <= this.#pct) return;
    this.#pct = s.percentCompleted;
    for (const f of this.#progress) deliver(rethrowLater, f, this.#pct);
  }
  /** The daemon's `finished` notification or final `wait` answer. */
  finished(e: Pick<OperationEnd, 'hr' | 'output'>): void {
    if (this.#end) return;
    this.#end = { hr: e.hr >>> 0, output: e.output as T };
    this.#hr = e.hr >>> 0;
    this.#pct = 100;
    for (const f of this.#progress) deliver(rethrowLater, f, 100);
  }

  toString(): string {
    return `RemoteOperation ${this.#id ?? '(starting)'} { ${
      this.#end ? `done, ${hrName(this.#hr)}` : `running, ${this.#pct}%`
    } }`;
  }
}
