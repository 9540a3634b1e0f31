// A Unix domain socket through node:net (Node, and Bun, which implements it).
import net from 'node:net';
import type { UnixConnect } from '../remote/unix.ts';

export const unixConnect: UnixConnect = (path, h) =>
  new Promise((resolve, reject) => {
    const sock = net.connect({ path });
    let connected = false;
    let error: Error | undefined;
    sock.once('connect', () => {
      connected = true;
      resolve({ write: (b) => void sock.write(b), close: () => void sock.destroy() });
    });
    sock.on('data', (d: Uint8Array) => h.onData(d));
    sock.on('end', () => h.onEnd());
    sock.on('error', (e) => {
      error = e;
    });
    sock.once('close', () => {
      if (connected) h.onClose(error);
      else reject(error ?? new Error(`cannot connect to ${path}`));
    });
  });
