import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';
import { nodeDigest } from '../node/digest.ts';
import { gatherer } from '../gather.ts';

interface BunSocket {
  write(b: Uint8Array): number;
  end(): void;
  terminate(): void;
  setNoDelay?(v: boolean): void;
}
declare const Bun: { connect(o: unknown): Promise<BunSocket> };

/** How long a socket we closed waits for the peer's FIN before it is reset (Bun only). */
const LINGER_MS = 1000;

async function connect(opts: ConnectOptions, h: ConnHandlers): Promise<Conn> {
  // Bun.connect takes no signal: a connect given up on is closed when it arrives (docs/hosts.md),
  // but one already given up on (a wrapping host may hand that on) is not started at all.
  if (opts.signal?.aborted) throw new Error('connect aborted');
  // Bun's write is partial and unbuffered: the remainder waits here for drain().
  const queue: Uint8Array[] = [];
  let sock: BunSocket | null = null;
  let closed = false;
  let peerEnded = false;
  let lingering: ReturnType<typeof setTimeout> | undefined;
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
        peerEnded = true;
        if (!closed) h.onEnd();
      },
      drain() {
        flush();
      },
      close(_s: BunSocket, err?: Error) {
        if (lingering) clearTimeout(lingering);
        if (closed || !opened) return;
        closed = true;
        h.onClose(err ?? undefined);
      },
      error() {/* close follows */},
      connectError() {/* the promise rejects */},
    },
  });
  const gather = gatherer((b) => {
    if (closed) return;
    queue.push(b);
    if (queue.length === 1) flush();
  });
  return {
    write(b) {
      if (!closed) gather(b);
    },
    close() {
      if (closed) return;
      closed = true;
      // An orderly close (FIN), as node:net's destroy() and Deno's close() send; Bun's
      // terminate() would reset the connection. A peer that has not closed its side gets a
      // moment to do so before the socket is reset and freed, so none outlives a silent peer.
      sock?.end();
      if (!peerEnded) {
        lingering = setTimeout(() => sock?.terminate(), LINGER_MS);
        (lingering as { unref?: () => void }).unref?.();
      }
      h.onClose();
    },
  };
}

export const bunHost: Host = {
  runtime: 'bun',
  connect,
  timer: unrefTimer,
  now: monotonicNow,
  random: randomBytes,
  digest: nodeDigest,
};
