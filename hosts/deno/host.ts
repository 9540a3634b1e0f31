import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';
import { gatherer } from '../gather.ts';

declare const Deno: {
  connect(o: { hostname: string; port: number; transport: 'tcp'; signal?: AbortSignal }): Promise<DenoConn>;
};
interface DenoConn {
  read(b: Uint8Array): Promise<number | null>;
  write(b: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay(v: boolean): void;
}

async function connect(opts: ConnectOptions, h: ConnHandlers): Promise<Conn> {
  const c = await Deno.connect({ hostname: opts.host, port: opts.port, transport: 'tcp', signal: opts.signal });
  c.setNoDelay(true);
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
  // conn.write is partial: one pump writes the queue in order.
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
        return;
      }
      h.onData(buf.subarray(0, n));
    }
  })();
  const gather = gatherer((b) => {
    if (closed) return;
    queue.push(b);
    writing ??= pump();
  });
  return {
    write(b) {
      if (!closed) gather(b);
    },
    close: () => closeOnce(),
  };
}

export const denoHost: Host = { runtime: 'deno', connect, timer: unrefTimer, now: monotonicNow, random: randomBytes };
