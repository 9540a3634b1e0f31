// A Deno connection (TCP or Unix) carried for a ConnHandlers: one read loop into a buffer of its
// own, one pump writing the queue in order (Deno's write is partial), close at most once.
import type { ConnHandlers } from '../types.ts';

export interface DenoConn {
  read(b: Uint8Array): Promise<number | null>;
  write(b: Uint8Array): Promise<number>;
  close(): void;
}
export interface Carried {
  /** Queues `b` as it is (the caller's to keep unchanged) unless the connection is closed. */
  send(b: Uint8Array): void;
  close(): void;
  readonly closed: boolean;
}

/** `closeAtEnd`: the peer's FIN closes our side too (a client of the daemon); the iSCSI host
 *  leaves that to the core, which may still be sending. */
export function carry(c: DenoConn, h: ConnHandlers, closeAtEnd: boolean): Carried {
  let closed = false;
  const queue: Uint8Array[] = [];
  let writing: Promise<void> | null = null;
  const closeOnce = (err?: Error) => {
    if (closed) return;
    closed = true;
    try {
      c.close();
    } catch { /* already closed by the runtime */ }
    h.onClose(err);
  };
  const pump = async () => {
    while (queue.length && !closed) {
      const b = queue[0];
      try {
        const n = await c.write(b);
        if (n < b.length) queue[0] = b.subarray(n);
        else queue.shift();
      } catch (e) {
        closeOnce(e as Error);
      }
    }
    writing = null;
  };
  (async () => {
    const buf = new Uint8Array(65536);
    for (;;) {
      let n: number | null;
      try {
        n = await c.read(buf);
      } catch (e) {
        closeOnce(closed ? undefined : (e as Error));
        return;
      }
      if (closed) return;
      if (n === null) {
        h.onEnd();
        if (closeAtEnd) closeOnce();
        return;
      }
      h.onData(buf.subarray(0, n));
    }
  })();
  return {
    send(b) {
      if (closed) return;
      queue.push(b);
      writing ??= pump();
    },
    close: () => closeOnce(),
    get closed() {
      return closed;
    },
  };
}
