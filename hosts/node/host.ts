import net from 'node:net';
import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';
import { nodeDigest } from './digest.ts';

// One read buffer for every socket, for handlers that offer none of their own: the core copies
// each chunk into Wasm memory during onData, so no chunk outlives its callback and Node need not
// allocate a Buffer per read. The engine offers the core's input region instead, which saves that
// copy: libuv fills the buffer and Node calls back at once, so sockets sharing it never overlap.
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

function connect(opts: ConnectOptions, h: ConnHandlers): Promise<Conn> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: the peer's FIN must not end our side before the core says so.
    const sock = net.connect({
      host: opts.host,
      port: opts.port,
      allowHalfOpen: true,
      noDelay: true,
      onread: {
        buffer: h.readBuffer ?? READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          h.onData(buf.subarray(0, n));
          return true;
        },
      },
    });
    const onAbort = () => {
      if (!connected) sock.destroy(new Error('connect aborted'));
    };
    if (opts.signal) opts.signal.onabort = onAbort;
    let connected = false;
    let error: Error | undefined;
    // Every PDU written in one turn of the event loop's microtasks leaves in one system call: a
    // batch of commands issued as earlier ones complete costs one writev, not one write each, and
    // a turn with one PDU (the common case: one answer, one new command) a plain write.
    let turn: Uint8Array[] = [];
    const flush = () => {
      const parts = turn;
      turn = [];
      if (sock.destroyed) return;
      if (parts.length === 1) return void sock.write(parts[0]);
      sock.cork();
      for (const b of parts) sock.write(b);
      sock.uncork();
    };
    const conn: Conn = {
      write: (b) => {
        if (turn.push(b) === 1) queueMicrotask(flush);
      },
      close: () => {
        sock.destroy();
      },
    };
    sock.once('connect', () => {
      connected = true;
      if (opts.signal) opts.signal.onabort = null;
      resolve(conn);
    });
    sock.on('end', () => h.onEnd());
    sock.on('error', (e) => {
      error = e;
    });
    sock.once('close', () => {
      if (opts.signal) opts.signal.onabort = null;
      if (connected) h.onClose(error);
      else reject(error ?? new Error('connection closed'));
    });
    // A wrapping host may hand on a signal that was aborted while it did work of its own.
    if (opts.signal?.aborted) onAbort();
  });
}

export const nodeHost: Host = {
  runtime: 'node',
  connect,
  timer: unrefTimer,
  now: monotonicNow,
  random: randomBytes,
  digest: nodeDigest,
};
