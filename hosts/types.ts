// The whole runtime contract: a host moves bytes and time, and decides nothing about iSCSI.
export type Runtime = 'node' | 'deno' | 'bun' | 'web';
/** The hashes CHAP names (CHAP_A 5-8). */
export type DigestName = 'md5' | 'sha1' | 'sha256' | 'sha3-256';

export interface ConnHandlers {
  /** The view is valid only during the call: it is copied into Wasm memory at once, unless it
   *  already lies at the start of `readBuffer`. */
  onData(chunk: Uint8Array): void;
  /** Where a host that fills a buffer of its choosing and calls onData synchronously on it (Node's
   *  `onread`) may read each chunk: the core's own input region, so the chunk is framed where it
   *  landed instead of being copied in. Shared by every connection; a host whose reads complete
   *  later (a promise per read) must not use it. */
  readBuffer?: Uint8Array;
  /** The peer's FIN; at most once, before onClose. */
  onEnd(): void;
  /** Exactly once, after connect succeeded. */
  onClose(err?: Error): void;
}

export interface Conn {
  /** Writes in order; the host keeps the bytes (or its own copy) until written. No backpressure
   *  is asked of a host: the core bounds what one call can queue (docs/core.md, "Pausing"). */
  write(bytes: Uint8Array): void;
  /** Abortive and idempotent. */
  close(): void;
  /** Settles once the runtime has let go of the connection after close(), where that is later
   *  (a WebSocket's closing handshake); adapter.close() waits for it, bounded. */
  released?: Promise<void>;
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** Aborting gives up a connect still in progress (the promise rejects); no effect once connected. */
  signal?: ConnectSignal;
}
/** What a host uses of an AbortSignal to give up a connect: `aborted`, and its one `onabort`,
 *  which the host sets (an AbortSignal fits; the engine passes its own, lighter ConnectAbort). */
export interface ConnectSignal {
  readonly aborted: boolean;
  onabort: ((...args: never[]) => unknown) | null;
}
export interface TimerHandle {
  cancel(): void;
}

export interface Host {
  readonly runtime: Runtime;
  /** A property, not a method, so that TypeScript checks a host's parameters strictly: a host
   *  written for another shape of `opts` (an AbortSignal as `signal`) does not compile. */
  connect: (opts: ConnectOptions, h: ConnHandlers) => Promise<Conn>;
  /** One-shot and unref'd: a pending timer never keeps a process alive, unless `hold` says it
   *  must (a recovering session's replacement time, docs/io.md). */
  timer(ms: number, fn: () => void, hold?: boolean): TimerHandle;
  now(): number;
  random(n: number): Uint8Array;
  /** One hash of `data`, synchronously (a CHAP answer is computed inside a core step). */
  digest(name: DigestName, data: Uint8Array): Uint8Array;
}
