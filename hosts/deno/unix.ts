// A Unix domain socket through Deno.connect, as the Deno host's TCP sockets are.
import type { UnixConnect } from '../remote/unix.ts';
import { carry, type DenoConn } from './conn.ts';

declare const Deno: {
  connect(o: { transport: 'unix'; path: string }): Promise<DenoConn>;
};
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
  const carried = carry(c, h, true);
  return { write: carried.send, close: carried.close };
};
