import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';

interface BunSocket {
  write(b: Uint8Array): number;
  end(): void;
  terminate(): void;
  setNoDelay?(v: boolean): void;
}
declare const Bun: { connect(o: unknown): Promise<BunSocket> };

async function connect(opts: ConnectOptions, h: ConnHandlers): Promise<Conn> {
  // Bun's write is partial and unbuffered: the remainder waits here for drain().
  const queue: Uint8Array[] = [];
  let sock: BunSocket | null = null;
  let closed = false;
  const flush = () => {
    while (queue.length && sock && !closed) {
      const b = queue[0];
      const n = sock.write(b);
      if (n < 0) return;
      if (n < b.length) {
        queue[0] = b.subarray(n);
        return;
      }
      queue.shift();
    }
  };
  let opened = false;
  sock = await Bun.connect({
    hostname: opts.host,
    port: opts.port,
    allowHalfOpen: true,
    socket: {
      open(s: BunSocket) {
        opened = true;
        s.setNoDelay?.(true);
      },
      data(_s: BunSocket, chunk: Uint8Array) {
        if (!closed) h.onData(chunk);
      },
      end() {
        if (!closed) h.onEnd();
      },
      drain() {
        flush();
      },
      close(_s: BunSocket, err?: Error) {
        if (closed || !opened) return;
        closed = true;
        h.onClose(err ?? undefined);
      },
      error() {/* close follows */},
      connectError() {/* the promise rejects */},
    },
  });
  return {
    write(b) {
      if (closed) return false;
      queue.push(b.slice());
      if (queue.length === 1) flush();
      return queue.length < 64;
    },
    close() {
      if (closed) return;
      closed = true;
      sock?.terminate();
      h.onClose();
    },
  };
}

export const bunHost: Host = { runtime: 'bun', connect, timer: unrefTimer, now: monotonicNow, random: randomBytes };
