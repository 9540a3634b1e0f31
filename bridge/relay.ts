// One WebSocket carried to one TCP connection, both ways, bytes untouched. Each side is paused
// while the other has `highWater` bytes queued, so neither a slow browser nor a slow target makes
// the bridge buffer without bound; half-close travels as the `end` frame (docs/bridge.md).
import net from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { BRIDGE_CLOSE, BRIDGE_END, BRIDGE_OPEN } from '../hosts/web/bridge-protocol.ts';
import type { Portal } from './allowlist.ts';
import type { ResolvedBridgeOptions } from './options.ts';
import { closeClient } from './close.ts';

/** How long a socket we closed waits for the target's FIN before it is reset. */
const LINGER_MS = 1000;
/** Client close codes that are an orderly goodbye: the target gets a FIN, anything else a reset. */
const ORDERLY = new Set([1000, 1001, 1005]);

export interface RelayEnd {
  code: number;
  reason: string;
  /** Bytes client → target and target → client. */
  up: number;
  down: number;
}

export interface Relay {
  /** Ends both sides at once (the bridge is closing). */
  stop(code: number, reason: string): void;
}

export function relay(ws: WebSocket, portal: Portal, o: ResolvedBridgeOptions, done: (e: RelayEnd) => void): Relay {
  const tcp = net.connect({ host: portal.host, port: portal.port, allowHalfOpen: true, noDelay: true });
  let connected = false, tcpClosed = false, wsClosed = false, tcpPaused = false;
  let error: (Error & { code?: string }) | undefined;
  const end: RelayEnd = { code: 0, reason: '', up: 0, down: 0 };
  const closeWs = (code: number, reason: string) => {
    if (!end.code) [end.code, end.reason] = [code, reason];
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) closeClient(ws, code, reason);
  };
  const finish = () => {
    if (tcpClosed && wsClosed) done(end);
  };
  const connectTimer = setTimeout(() => {
    closeWs(BRIDGE_CLOSE.CONNECT_FAILED, `connect timed out after ${o.connectMs} ms`);
    tcp.destroy();
  }, o.connectMs);
  const idle = setTimeout(() => {
    closeWs(BRIDGE_CLOSE.TIMEOUT, `idle for ${o.idleMs} ms`);
    tcp.destroy();
  }, o.idleMs);
  let linger: ReturnType<typeof setTimeout> | undefined;

  tcp.once('connect', () => {
    clearTimeout(connectTimer);
    connected = true;
    idle.refresh();
    if (ws.readyState === ws.OPEN) ws.send(BRIDGE_OPEN);
  });
  const resumeTcp = () => {
    if (tcpPaused && ws.bufferedAmount < o.highWater / 2) {
      tcpPaused = false;
      tcp.resume();
    }
  };
  tcp.on('data', (chunk: Buffer) => {
    end.down += chunk.length;
    idle.refresh();
    if (ws.readyState !== ws.OPEN) return;
    ws.send(chunk, { binary: true }, resumeTcp);
    if (!tcpPaused && ws.bufferedAmount >= o.highWater) {
      tcpPaused = true;
      tcp.pause();
    }
  });
  tcp.on('end', () => {
    if (ws.readyState === ws.OPEN) ws.send(BRIDGE_END);
  });
  tcp.on('error', (e) => {
    error = e;
  });
  tcp.once('close', () => {
    tcpClosed = true;
    clearTimeout(connectTimer);
    clearTimeout(idle);
    clearTimeout(linger);
    if (!connected) {
      closeWs(BRIDGE_CLOSE.CONNECT_FAILED, `connect failed: ${error?.code ?? error?.message ?? 'closed'}`);
    } else if (error) closeWs(BRIDGE_CLOSE.TARGET_RESET, `target reset: ${error.code ?? error.message}`);
    else closeWs(BRIDGE_CLOSE.NORMAL, 'target closed');
    // A WebSocket paused for a target that stopped reading would never read on to the client's
    // close frame, and the client would wait out ws's 30 s close timeout to hear our code.
    if (ws.isPaused) ws.resume();
    finish();
  });

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (tcpClosed) return; // read through to the close frame; the target is gone
    if (!isBinary || !connected) {
      closeWs(BRIDGE_CLOSE.BAD_HELLO, isBinary ? 'bytes before open' : 'text frame after the hello');
      tcp.destroy();
      return;
    }
    const b = data as Buffer;
    end.up += b.length;
    idle.refresh();
    if (!tcp.write(b) && !ws.isPaused) {
      ws.pause();
      tcp.once('drain', () => ws.resume());
    }
  });
  ws.once('close', (code: number, reason: Buffer) => {
    wsClosed = true;
    if (!end.code) [end.code, end.reason] = [code, `client: ${reason.toString() || 'closed'}`];
    if (!tcpClosed) {
      if (!connected) tcp.destroy();
      else if (!ORDERLY.has(code)) tcp.resetAndDestroy();
      else {
        tcp.end();
        linger = setTimeout(() => tcp.destroy(), LINGER_MS);
      }
    }
    finish();
  });
  return {
    stop(code, reason) {
      closeWs(code, reason);
      tcp.destroy();
    },
  };
}
