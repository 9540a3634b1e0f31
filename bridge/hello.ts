// The client's first frame, checked before anything else happens: the token first (a client
// without it learns nothing about the allowlist), then the portal.
import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';
import { BRIDGE_CLOSE, type BridgeHello } from '../hosts/web/bridge-protocol.ts';
import type { Portal } from './allowlist.ts';

export const MAX_HELLO = 4096;
/** Raw bytes a client may send before its hello has been checked: the hello and its frame
 *  header (at most 14 bytes). */
const MAX_BEFORE_HELLO = MAX_HELLO + 14;

/** Counts what the client sends before its hello and calls tooLong once past MAX_BEFORE_HELLO.
 *  ws takes a frame whole (up to MAX_FRAME) before anyone sees it, so without this a client with
 *  no token could make the bridge buffer 16 MiB on every connection. Returns the function that
 *  stops counting: the hello came. */
export function guardBeforeHello(socket: Duplex, tooLong: () => void): () => void {
  let early = 0, done = false;
  const stop = () => {
    done = true;
    socket.off('data', count);
  };
  // A listener removed during an emit still hears that chunk: hence `done`.
  const count = (d: Buffer) => {
    if (done || (early += d.length) <= MAX_BEFORE_HELLO) return;
    stop();
    tooLong();
  };
  socket.on('data', count);
  return stop;
}

export type HelloVerdict = { portal: Portal } | { code: number; reason: string };

export function checkHello(
  data: RawData,
  isBinary: boolean,
  tokenOk: (t: unknown) => boolean,
  allowed: (portal: string) => Portal | undefined,
): HelloVerdict {
  const bad = (reason: string) => ({ code: BRIDGE_CLOSE.BAD_HELLO, reason });
  const bytes = data as Buffer;
  if (isBinary || !Buffer.isBuffer(bytes)) return bad('the first frame must be the JSON hello');
  if (bytes.length > MAX_HELLO) return bad(`hello longer than ${MAX_HELLO} bytes`);
  let hello: Partial<BridgeHello>;
  try {
    hello = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bad('hello is not JSON');
  }
  if (typeof hello !== 'object' || hello === null) return bad('hello is not an object');
  if (!tokenOk(hello.token)) return { code: BRIDGE_CLOSE.BAD_TOKEN, reason: 'token missing or wrong' };
  if (typeof hello.portal !== 'string') return bad('hello has no portal');
  const portal = allowed(hello.portal);
  if (!portal) return { code: BRIDGE_CLOSE.PORTAL_NOT_ALLOWED, reason: `portal ${hello.portal} is not allowed` };
  return { portal };
}
