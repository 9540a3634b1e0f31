import net from 'node:net';
import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';

function connect(opts: ConnectOptions, h: ConnHandlers): Promise<Conn> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: the peer's FIN must not end our side before the core says so.
    const sock = net.connect({ host: opts.host, port: opts.port, allowHalfOpen: true, noDelay: true });
    const onAbort = () => {
      if (!connected) sock.destroy(new Error('connect aborted'));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let connected = false;
    let error: Error | undefined;
    const conn: Conn = {
      write: (b) => {
        sock.write(b);
      },
      close: () => {
        sock.destroy();
      },
    };
    sock.once('connect', () => {
      connected = true;
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(conn);
    });
    sock.on('data', (b: Buffer) => h.onData(b));
    sock.on('end', () => h.onEnd());
    sock.on('error', (e) => {
      error = e;
    });
    sock.once('close', () => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (connected) h.onClose(error);
      else reject(error ?? new Error('connection closed'));
    });
  });
}

export const nodeHost: Host = { runtime: 'node', connect, timer: unrefTimer, now: monotonicNow, random: randomBytes };
