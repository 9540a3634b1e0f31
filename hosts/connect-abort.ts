import type { ConnectSignal } from './types.ts';

/** The engine's way to give up a connect still in progress. It is not an AbortController because
 *  Node's costs 3-5 µs per connect with its listener (bench/RESULTS.md, the login profile). */
export class ConnectAbort implements ConnectSignal {
  aborted = false;
  onabort: (() => void) | null = null;
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const f = this.onabort;
    this.onabort = null;
    f?.();
  }
}
