import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';
import { nodeDigest } from '../node/digest.ts';
import { gatherer } from '../gather.ts';
import { carry, type DenoConn } from './conn.ts';

declare const Deno: {
  connect(o: { hostname: string; port: number; transport: 'tcp'; signal?: AbortSignal }): Promise<DenoTcpConn>;
};
interface DenoTcpConn extends DenoConn {
  setNoDelay(v: boolean): void;
}

async function connect(opts: ConnectOptions, h: ConnHandlers): Promise<Conn> {
  // Deno.connect takes a real AbortSignal (Deno's costs little).
  const given = opts.signal;
  let signal: AbortSignal | undefined;
  if (given) {
    const ac = new AbortController();
    signal = ac.signal;
    if (given.aborted) ac.abort();
    else given.onabort = () => ac.abort();
  }
  const c = await Deno.connect({ hostname: opts.host, port: opts.port, transport: 'tcp', signal }).finally(() => {
    if (given) given.onabort = null;
  });
  c.setNoDelay(true);
  const carried = carry(c, h, false);
  const gather = gatherer(carried.send);
  return {
    write(b) {
      if (!carried.closed) gather(b);
    },
    close: carried.close,
  };
}

export const denoHost: Host = {
  runtime: 'deno',
  connect,
  timer: unrefTimer,
  now: monotonicNow,
  random: randomBytes,
  digest: nodeDigest,
};
