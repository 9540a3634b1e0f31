// `iscsi-adapter bridge`: a WebSocket-to-TCP relay for browser hosts (docs/bridge.md). Every
// refusal happens before a TCP connect: wrong subprotocol, Origin, token, portal, or too many
// connections, each with its own close code.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { BRIDGE_CLOSE, BRIDGE_SUBPROTOCOL, bridgeCloseName } from '../hosts/web/bridge-protocol.ts';
import { allowlist } from './allowlist.ts';
import { checkHello, guardBeforeHello, MAX_HELLO } from './hello.ts';
import { type BridgeOptions, MAX_FRAME, resolveBridgeOptions } from './options.ts';
import { type Relay, relay } from './relay.ts';
import { closeClient } from './close.ts';
import { tokenCheck } from './token.ts';
import { normalizeOrigins } from './origins.ts';

export interface RunningBridge {
  /** `ws://host:port` to give `createAdapter({ bridge })`. */
  readonly url: string;
  readonly port: number;
  /** WebSockets open now. */
  connections(): number;
  /** Refuses new clients, ends every relay (4504) and waits for their sockets. */
  close(): Promise<void>;
}

export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const o = resolveBridgeOptions(options);
  const allowed = allowlist(o.allow);
  const tokenOk = tokenCheck(o.token);
  const origins = o.origins && normalizeOrigins(o.origins);
  const log = o.log ?? (() => {});
  // Every WebSocket from its upgrade to its close, with its relay once the hello passed.
  const clients = new Map<WebSocket, Relay | undefined>();
  let relaying = 0, serial = 0, closing = false;
  const perAddress = new Map<string, number>();
  const idle: Array<() => void> = [];
  const settle = () => {
    if (clients.size === 0 && relaying === 0) { for (const f of idle.splice(0)) f(); }
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (offered) => (offered.has(BRIDGE_SUBPROTOCOL) ? BRIDGE_SUBPROTOCOL : false),
  });
  const server = http.createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
    res.end(`iscsi-adapter bridge: connect with a WebSocket (subprotocol ${BRIDGE_SUBPROTOCOL})\n`);
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {/* a client gone mid-handshake; the socket is destroyed */});
    wss.handleUpgrade(req, socket, head, (ws) => {
      const id = ++serial;
      const origin = req.headers.origin;
      const address = req.socket.remoteAddress ?? '?';
      clients.set(ws, undefined);
      const fromHere = (perAddress.get(address) ?? 0) + 1;
      perAddress.set(address, fromHere);
      const refuse = (code: number, reason: string) => {
        log(`#${id} refused ${code} ${bridgeCloseName(code)}: ${reason}`);
        closeClient(ws, code, reason, true);
      };
      ws.on('error', () => {/* close follows */});
      ws.once('close', () => {
        clients.delete(ws);
        const left = perAddress.get(address)! - 1;
        if (left) perAddress.set(address, left);
        else perAddress.delete(address);
        clearTimeout(helloTimer);
        settle();
      });
      const helloTimer = setTimeout(() => refuse(BRIDGE_CLOSE.TIMEOUT, `no hello within ${o.helloMs} ms`), o.helloMs);
      if (closing) return refuse(BRIDGE_CLOSE.SHUTTING_DOWN, 'the bridge is closing');
      if (clients.size > o.maxConnections) {
        return refuse(BRIDGE_CLOSE.TOO_MANY_CONNECTIONS, `${o.maxConnections} connections open`);
      }
      if (o.maxPerAddress && fromHere > o.maxPerAddress) {
        return refuse(BRIDGE_CLOSE.TOO_MANY_CONNECTIONS, `${o.maxPerAddress} connections open from ${address}`);
      }
      if (ws.protocol !== BRIDGE_SUBPROTOCOL) {
        return refuse(BRIDGE_CLOSE.BAD_HELLO, `subprotocol ${BRIDGE_SUBPROTOCOL} required`);
      }
      if (origins && !(origin && origins.includes(origin))) {
        return refuse(BRIDGE_CLOSE.ORIGIN_NOT_ALLOWED, `origin ${origin ?? '(none)'} is not allowed`);
      }
      const helloCame = guardBeforeHello(socket, () => {
        clearTimeout(helloTimer);
        refuse(BRIDGE_CLOSE.BAD_HELLO, `hello longer than ${MAX_HELLO} bytes`);
      });
      ws.once('message', (data, isBinary) => {
        helloCame();
        clearTimeout(helloTimer);
        const v = checkHello(data, isBinary, tokenOk, allowed);
        if ('code' in v) return refuse(v.code, v.reason);
        const to = `${v.portal.host}:${v.portal.port}`;
        log(`#${id} ${origin ?? '-'} -> ${to}`);
        relaying++;
        clients.set(
          ws,
          relay(ws, v.portal, o, (e) => {
            relaying--;
            log(
              `#${id} ${to} ended ${e.code} ${bridgeCloseName(e.code)} (${e.reason}); up ${e.up} B, down ${e.down} B`,
            );
            settle();
          }),
        );
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `ws://${host}:${port}`,
    port,
    connections: () => clients.size,
    async close() {
      closing = true;
      server.close();
      for (const [ws, r] of clients) {
        if (r) r.stop(BRIDGE_CLOSE.SHUTTING_DOWN, 'the bridge is closing');
        else closeClient(ws, BRIDGE_CLOSE.SHUTTING_DOWN, 'the bridge is closing');
      }
      const drained = new Promise<void>((r) => idle.push(r));
      settle();
      // A client that does not answer the closing handshake is cut off after a moment.
      const cut = setTimeout(() => clients.forEach((_, ws) => ws.terminate()), 1000);
      await drained;
      clearTimeout(cut);
      server.closeAllConnections();
    },
  };
}
