// The browser's host: one WebSocket to `iscsi-adapter bridge` per iSCSI connection, its binary
// frames the TCP byte stream (docs/hosts.md, "The web host"). Like the other hosts it moves bytes
// and time and decides nothing about iSCSI.
import type { Conn, ConnectOptions, ConnHandlers, Host } from '../types.ts';
import { monotonicNow, randomBytes, unrefTimer } from '../timer.ts';
import { gatherer } from '../gather.ts';
import { pureDigest } from '../hash/digest.ts';
import { BRIDGE_END, BRIDGE_OPEN, BRIDGE_SUBPROTOCOL, type BridgeHello } from './bridge-protocol.ts';
import { BridgeError } from './bridge-error.ts';

/** The standard WebSocket, or one with its shape (`ws` under Node 20). */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => WebSocket;

export interface WebHostOptions {
  /** `ws://` or `wss://` address of the bridge. */
  bridge: string;
  token: string;
  /** Defaults to `globalThis.WebSocket`. */
  WebSocket?: WebSocketClass;
}

/** One turn's writes can be many Data-Outs from callers' buffers; frames stay far below the
 *  largest the bridge takes (MAX_FRAME in bridge/options.ts). */
const FRAME_BYTES = 1 << 20;

const portalOf = (o: ConnectOptions) => `${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;

export function webHost(o: WebHostOptions): Host {
  const WS = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
  if (!WS) throw new TypeError('no WebSocket in this runtime: pass one as the WebSocket option');
  if (!/^wss?:\/\//.test(o.bridge)) throw new TypeError(`bridge must be a ws:// or wss:// address, not "${o.bridge}"`);
  const connect = (opts: ConnectOptions, h: ConnHandlers) =>
    new Promise<Conn>((resolve, reject) => {
      const ws = new WS(o.bridge, BRIDGE_SUBPROTOCOL);
      ws.binaryType = 'arraybuffer';
      let opened = false, closed = false;
      const onAbort = () => {
        if (opened) return;
        closed = true;
        ws.close();
        reject(new Error('connect aborted'));
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const send = gatherer((b) => {
        for (let at = 0; at < b.length && !closed; at += FRAME_BYTES) {
          ws.send(b.subarray(at, at + FRAME_BYTES) as Uint8Array<ArrayBuffer>);
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
          h.onClose();
        },
      };
      ws.onopen = () => ws.send(JSON.stringify({ token: o.token, portal: portalOf(opts) } satisfies BridgeHello));
      ws.onmessage = (ev: MessageEvent) => {
        if (closed) return;
        if (typeof ev.data !== 'string') {
          if (opened) h.onData(new Uint8Array(ev.data as ArrayBuffer));
        } else if (ev.data === BRIDGE_OPEN && !opened) {
          opened = true;
          opts.signal?.removeEventListener('abort', onAbort);
          resolve(conn);
        } else if (ev.data === BRIDGE_END && opened) h.onEnd();
      };
      ws.onerror = () => {/* close follows */};
      ws.onclose = (ev: CloseEvent) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (!opened) return reject(new BridgeError('the bridge refused the connection', ev.code, ev.reason));
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
