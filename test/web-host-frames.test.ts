// The web host against a stand-in WebSocket: what it sends (the hello, frames no larger than
// 1 MiB) and how each way the bridge ends a connection reaches the core's handlers.
import { describe, expect, it } from 'vitest';
import { webHost } from '../hosts/web/host.ts';
import { BRIDGE_CLOSE, BRIDGE_END, BRIDGE_OPEN, BRIDGE_SUBPROTOCOL } from '../hosts/web/bridge-protocol.ts';
import { BridgeError } from '../hosts/web/bridge-error.ts';
import type { ConnHandlers } from '../hosts/types.ts';
import { until } from './helpers/env.ts';

class FakeSocket {
  static last: FakeSocket;
  sent: (string | Uint8Array)[] = [];
  closedWith?: number;
  binaryType = '';
  onopen?: () => void;
  onmessage?: (e: { data: unknown }) => void;
  onclose?: (e: { code: number; reason: string }) => void;
  onerror?: () => void;
  constructor(readonly url: string, readonly protocol: string) {
    FakeSocket.last = this;
    queueMicrotask(() => this.onopen?.());
  }
  send(d: string | Uint8Array) {
    this.sent.push(typeof d === 'string' ? d : d.slice());
  }
  close(code?: number) {
    this.closedWith = code ?? 1005;
  }
  answer(data: unknown) {
    this.onmessage?.({ data });
  }
  end(code: number, reason = '') {
    this.onclose?.({ code, reason });
  }
}
const host = () =>
  webHost({
    bridge: 'ws://127.0.0.1:1',
    token: 'secret-token-1234',
    WebSocket: FakeSocket as unknown as typeof WebSocket,
  });
function handlers() {
  const seen = { data: [] as number[][], ended: 0, closed: [] as (Error | undefined)[] };
  const h: ConnHandlers = {
    onData: (c) => void seen.data.push([...c]),
    onEnd: () => void seen.ended++,
    onClose: (e) => void seen.closed.push(e),
  };
  return { seen, h };
}
async function opened(hostName = '192.0.2.7') {
  const { seen, h } = handlers();
  const connecting = host().connect({ host: hostName, port: 3260 }, h);
  await Promise.resolve();
  const ws = FakeSocket.last;
  ws.answer(BRIDGE_OPEN);
  return { conn: await connecting, ws, seen };
}

describe('the web host over a stand-in WebSocket', () => {
  it('names the subprotocol and sends the token and portal first', async () => {
    const { ws } = await opened();
    expect(ws.protocol).toBe(BRIDGE_SUBPROTOCOL);
    expect(ws.binaryType).toBe('arraybuffer');
    expect(JSON.parse(ws.sent[0] as string)).toEqual({ token: 'secret-token-1234', portal: '192.0.2.7:3260' });
  });

  it('writes an IPv6 portal in brackets', async () => {
    const { ws } = await opened('fd00::7');
    expect(JSON.parse(ws.sent[0] as string).portal).toBe('[fd00::7]:3260');
  });

  it('sends one turn of writes in frames of at most 1 MiB, in order', async () => {
    const { conn, ws } = await opened();
    const parts = [new Uint8Array(1_500_000).fill(1), new Uint8Array(48).fill(2), new Uint8Array(1_000_000).fill(3)];
    for (const p of parts) conn.write(p);
    await Promise.resolve();
    const frames = ws.sent.slice(1) as Uint8Array[];
    expect(frames.every((f) => f.length <= 1 << 20)).toBe(true);
    const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
    frames.reduce((at, f) => (all.set(f, at), at + f.length), 0);
    expect(all.length).toBe(2_500_048);
    expect([all[0], all[1_499_999], all[1_500_000], all[1_500_047], all[1_500_048], all[2_500_047]])
      .toEqual([1, 1, 2, 2, 3, 3]);
  });

  it('hands binary frames to onData and the end frame to onEnd', async () => {
    const { ws, seen } = await opened();
    ws.answer(Uint8Array.of(1, 2, 3).buffer);
    ws.answer(BRIDGE_END);
    expect(seen.data).toEqual([[1, 2, 3]]);
    expect(seen.ended).toBe(1);
    expect(seen.closed).toEqual([]);
  });

  it('ends cleanly on 1000 from the bridge', async () => {
    const { ws, seen } = await opened();
    ws.end(BRIDGE_CLOSE.NORMAL, 'target closed');
    expect(seen.closed).toEqual([undefined]);
  });

  it('ends as a reset on any other close, naming the code', async () => {
    const { ws, seen } = await opened();
    ws.end(BRIDGE_CLOSE.TARGET_RESET, 'target reset: ECONNRESET');
    expect(seen.closed[0]).toBeInstanceOf(BridgeError);
    expect((seen.closed[0] as BridgeError).closeCode).toBe(4503);
    expect(String(seen.closed[0])).toMatch(/4503 target-reset \(target reset: ECONNRESET\)/);
  });

  it('ends as a reset when the WebSocket drops (1006)', async () => {
    const { ws, seen } = await opened();
    ws.end(1006);
    expect((seen.closed[0] as BridgeError).closeName).toBe('abnormal');
  });

  it('rejects the connect with the refusal when the bridge closes before open', async () => {
    const { h, seen } = handlers();
    const connecting = host().connect({ host: '192.0.2.7', port: 3260 }, h);
    await Promise.resolve();
    FakeSocket.last.end(BRIDGE_CLOSE.PORTAL_NOT_ALLOWED, 'portal 192.0.2.7:3260 is not allowed');
    const e = await connecting.catch((x) => x);
    expect(e).toBeInstanceOf(BridgeError);
    expect(e.message).toMatch(/refused the connection: 4403 portal-not-allowed/);
    expect(seen.closed).toEqual([]);
  });

  it('gives up a connect when its signal aborts before open', async () => {
    const stop = new AbortController();
    const { h } = handlers();
    const connecting = host().connect({ host: '192.0.2.7', port: 3260, signal: stop.signal }, h);
    await Promise.resolve();
    stop.abort();
    await expect(connecting).rejects.toThrow('connect aborted');
    expect(FakeSocket.last.closedWith).toBeDefined();
  });

  it('closes once with 1000, calls onClose once and sends nothing after', async () => {
    const { conn, ws, seen } = await opened();
    conn.close();
    conn.close();
    conn.write(Uint8Array.of(9));
    await Promise.resolve();
    ws.end(1000);
    expect(ws.closedWith).toBe(1000);
    expect(seen.closed).toEqual([undefined]);
    expect(ws.sent.length).toBe(1);
  });

  it('is released once the closing handshake ended', async () => {
    const { conn, ws } = await opened();
    let released = false;
    conn.released?.then(() => (released = true));
    conn.close();
    await Promise.resolve();
    expect(released).toBe(false);
    ws.end(1000);
    await Promise.resolve();
    expect(released).toBe(true);
  });

  it('is released even when the bridge never answers the close, bounded', async () => {
    const { conn } = await opened();
    let released = false;
    conn.released?.then(() => (released = true));
    conn.close();
    await until(() => released, 5000, 'the connection to be released');
  });
});
