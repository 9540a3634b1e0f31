// Aborting a bulk transfer: the caller's signal, or a failure inside, aborts every command still
// in flight. Each command gets an AbortController of its own, aborted from here, rather than all
// listening on one shared signal: `depth` listeners on one EventTarget trips Node's leak warning
// past ten. The listener on the caller's signal is removed when the transfer ends, so a
// long-lived signal does not collect one per transfer.
export interface Taken {
  signal: AbortSignal;
  /** Aborts this one alone (a copy stops the chunks after a failed one, not those before it). */
  abort(): void;
  /** It ended: the transfer's abort no longer reaches it. */
  done(): void;
}
export interface Linked {
  /** A signal for one command (or one chunk's commands), aborted with the transfer. */
  take(): Taken;
  abort(): void;
  /** Detaches from the caller's signal. */
  release(): void;
}

export function linkedSignal(outer: AbortSignal | undefined): Linked {
  const live = new Set<AbortController>();
  let aborted = false;
  const abort = () => {
    aborted = true;
    for (const c of live) c.abort(outer?.aborted ? outer.reason : undefined);
    live.clear();
  };
  if (outer?.aborted) aborted = true;
  else outer?.addEventListener('abort', abort, { once: true });
  return {
    take() {
      const c = new AbortController();
      if (aborted) c.abort(outer?.reason);
      else live.add(c);
      return { signal: c.signal, abort: () => c.abort(), done: () => live.delete(c) };
    },
    abort,
    release: () => outer?.removeEventListener('abort', abort),
  };
}

/** Runs `fn` with a signal of its own that the transfer's abort reaches. */
export async function under<T>(link: Linked, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const t = link.take();
  try {
    return await fn(t.signal);
  } finally {
    t.done();
  }
}
