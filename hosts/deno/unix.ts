// A Unix domain socket through Deno.connect, as the Deno host's TCP sockets are.
import type { UnixConnect } from '../remote/unix.ts';

declare const Deno: {
  connect(o: { transport: 'unix'; path: string }): Promise<DenoConn>;
};
interface DenoConn {
  read(b: Uint8Array): Promise<number | null>;
  write(b: Uint8Array): Promise<number>;
  close(): void;
}
// Deno's error classes by name, as the OS codes node:net would give.
const CODES: Record<string, string> = {
  NotFound: 'ENOENT',
  ConnectionRefused: 'ECONNREFUSED',
  PermissionDenied: 'EACCES',
  NotCapable: 'EACCES',
};

export const unixConnect: UnixConnect = async (path, h) => {
  let c: DenoConn;
  try {
    c = await Deno.connect({ transport: 'unix', path });
  } catch (e) {
    const err = e as Error & { code?: string };
    err.code ??= CODES[err.name];
    throw err;
  }
  let closed = false;
  const queue: Uint8Array[] = [];
  let writing = false;
  const closeOnce = (err?: Error) => {
    if (closed) return;
    closed = true;
    try {
      c.close();
    } catch { /* already closed */ }
    h.onClose(err);
  };
  // conn.write is partial: one pump writes the queue in order.
  const pump = async () => {
    writing = true;
    while (queue.length && !closed) {
      try {
        const n = await c.write(queue[0]);
        if (n < queue[0].length) queue[0] = queue[0].subarray(n);
        else queue.shift();
      } catch (e) {
        closeOnce(e as Error);
      }
    }
    writing = false;
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
        closeOnce();
        return;
      }
      h.onData(buf.subarray(0, n));
    }
  })();
  return {
    write(b) {
      if (closed) return;
      queue.push(b);
      if (!writing) void pump();
    },
    close: () => closeOnce(),
  };
};
