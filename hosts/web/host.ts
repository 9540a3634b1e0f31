// The browser's host: one WebSocket to `iscsi-adapter bridge` per iSCSI connection, its binary
// frames the TCP byte stream (docs/hosts.md, "The web host"). Like the other hosts it moves bytes
// and time and decides nothing about iSCSI.
import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';
import { gatherer } from '../gather.ts';
import { pureDigest } from '../hash/digest.ts';
import { BRIDGE_END, BRIDGE_MAX_FRAME, BRIDGE_OPEN, BRIDGE_SUBPROTOCOL, type BridgeHello } from './bridge-protocol.ts';
import { BridgeError } from './bridge-error.ts';

/** What the host uses of a WebSocket: the standard one's shape, which `ws`'s client also has. */
export interface WebSocketLike {
  binaryType: string;
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: never) => unknown) | null;
  // `never` parameters: the DOM's handlers take MessageEvent and CloseEvent, ws's its own events;
  // ours are written for the fields both have.
  onmessage: ((ev: never) => unknown) | null;
  onclose: ((ev: never) => unknown) | null;
  onerror: ((ev: never) => unknown) | null;
}
/** The standard WebSocket, or one with its shape (`ws`'s, under Node 20). */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebHostOptions {
  /** `ws://` or `wss://` address of the bridge. */
  bridge: string;
  token: string;
  /** Defaults to `globalThis.WebSocket`. */
  WebSocket?: WebSocketClass;
}

/** How long a connection we closed waits for the bridge's answer to our close frame. */
const CLOSE_WAIT_MS = 1000;

const portalOf = (o: ConnectOptions) => `${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;

export function webHost(o: WebHostOptions): Host {
  const WS = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
  if (!WS) throw new TypeError('no WebSocket in this runtime: pass one as the WebSocket option');
  if (!/^wss?:\/\//.test(o.bridge)) throw new TypeError(`bridge must be a ws:// or wss:// address, not "${o.bridge}"`);
  const connect = (opts: ConnectOptions, h: ConnHandlers) =>
    new Promise<Conn>((resolve, reject) => {
      const ws = new WS(o.bridge, BRIDGE_SUBPROTOCOL);
      ws.binaryType = 'arraybuffer';
      // reached: the WebSocket opened (the bridge answered); opened: the bridge's TCP connect did.
      let reached = false, opened = false, closed = false;
      let released: () => void = () => {};
      const gone = new Promise<void>((r) => (released = r));
      const onAbort = () => {
        if (opened) return;
        closed = true;
        ws.close();
        // Settled once the runtime let the WebSocket go, so a disposed adapter leaves none behind.
        const giveUp = setTimeout(released, CLOSE_WAIT_MS);
        gone.then(() => {
          clearTimeout(giveUp);
          reject(new Error('connect aborted'));
        });
      };
      if (opts.signal) opts.signal.onabort = onAbort;
      if (opts.signal?.aborted) onAbort(); // a wrapping host may hand on one aborted meanwhile
      // One turn's writes can be many Data-Outs from callers' buffers: cut to the bridge's frames.
      const send = gatherer((b) => {
        for (let at = 0; at < b.length && !closed; at += BRIDGE_MAX_FRAME) {
          ws.send(b.subarray(at, at + BRIDGE_MAX_FRAME) as Uint8Array<ArrayBuffer>);
        }
      });
      const conn: Conn = {
        write(b) {
          if (!closed) send(b);
        },
        close() {
          if (closed) return;
          closed = true;
          ws.close(1000);
          // The runtime holds the WebSocket until the closing handshake ends; adapter.close()
          // waits for that through `released`, bounded: a bridge that never answers does not hold it.
          const giveUp = setTimeout(released, CLOSE_WAIT_MS);
          gone.then(() => clearTimeout(giveUp));
          h.onClose();
        },
        released: gone,
      };
      ws.onopen = () => {
        reached = true;
        ws.send(JSON.stringify({ token: o.token, portal: portalOf(opts) } satisfies BridgeHello));
      };
      ws.onmessage = (ev: { data: unknown }) => {
        if (closed) return;
        if (typeof ev.data !== 'string') {
          if (opened) h.onData(new Uint8Array(ev.data as ArrayBuffer));
        } else if (ev.data === BRIDGE_OPEN && !opened) {
          opened = true;
          if (opts.signal) opts.signal.onabort = null;
          resolve(conn);
        } else if (ev.data === BRIDGE_END && opened) h.onEnd();
      };
      ws.onerror = () => {/* close follows */};
      ws.onclose = (ev: { code: number; reason: string }) => {
        if (opts.signal) opts.signal.onabort = null;
        released();
        if (!opened) {
          const what = reached ? 'the bridge refused the connection' : `cannot reach the bridge at ${o.bridge}`;
          if (!closed) reject(new BridgeError(what, ev.code, ev.reason));
          return;
        }
        if (closed) return;
        closed = true;
        // 1000 follows the target's orderly close; anything else ends the connection as a reset would.
        h.onClose(
          ev.code === 1000 ? undefined : new BridgeError('the bridge ended the connection', ev.code, ev.reason),
        );
      };
    });
  return { runtime: 'web', connect, timer: unrefTimer, now: monotonicNow, random: randomBytes, digest: pureDigest };
}
