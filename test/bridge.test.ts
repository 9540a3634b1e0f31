// `iscsi-adapter bridge` (bridge/, docs/bridge.md) from outside, as a browser or an attacker
// meets it: the bundled command in its own process (so its memory can be read), a WebSocket
// client written here over node:net (so Origin, the subprotocol, the first frame and reading
// can all be chosen, the same way in Node, Bun and Deno), and plain TCP servers as portals that
// count what reaches them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AdapterEvent, createAdapter, IscsiError } from 'iscsi-adapter';
import { type RunningTarget, startTarget } from 'iscsi-adapter/target';
import { createAdapter as createWebAdapter } from '../hosts/web/mod.ts';
import { BRIDGE_CLOSE, BRIDGE_SUBPROTOCOL } from '../hosts/web/bridge-protocol.ts';
import { type RunningBridge, startBridge } from '../bridge/server.ts';
import { BRIDGE_DEFAULTS, type BridgeOptions, MAX_FRAME } from '../bridge/options.ts';
import { bundle, type RunningBridgeProcess, startBridgeProcess, webSocketClass } from './peers/bridge.ts';
import { freePort, kill, removeDir, tempDir } from './peers/daemon.ts';
import { cli, runCli } from './helpers/cli-run.ts';
import { bounded, sleep, until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:bridge';
const MiB = 1 << 20;

// ---- A WebSocket client over node:net (RFC 6455, the client side, as little as the tests need).

interface Closed {
  /** The code of the bridge's close frame, 1006 when the TCP connection ended without one. */
  code: number;
  reason: string;
}
interface RawClient {
  socket: net.Socket;
  /** The status of the answer to the upgrade request, and the subprotocol it chose. */
  status: number;
  protocol: string | undefined;
  texts: string[];
  /** Bytes of binary frames received, and the frames themselves when `keep` was asked. */
  binaryBytes: number;
  frames: Buffer[];
  /** Settles once the TCP connection is gone. */
  closed: Promise<Closed>;
  text(s: string): boolean;
  binary(b: Uint8Array): boolean;
  /** Sends a close frame; the bridge's answer ends the connection. */
  close(code: number): void;
}
interface RawOptions {
  /** The subprotocol offered: ours unless given; null offers none. */
  protocol?: string | null;
  origin?: string;
  keep?: boolean;
  /** Stop reading (socket.pause()) as soon as the bridge's `open` has arrived. */
  pauseAfterOpen?: boolean;
  /** Never answer the bridge's close frame, nor end our side: a client that went silent. */
  deaf?: boolean;
  /** The address to connect from (another loopback address is another client host). */
  from?: string;
}

// Client frames are masked; a zero mask leaves the payload as it is, so a big one is not copied.
function header(op: number, n: number): Buffer {
  const len = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const h = Buffer.alloc(len + 4);
  h[0] = 0x80 | op;
  if (n < 126) h[1] = 0x80 | n;
  else if (n < 65536) [h[1], h[2], h[3]] = [0x80 | 126, n >> 8, n & 0xff];
  else {
    h[1] = 0x80 | 127;
    h.writeBigUInt64BE(BigInt(n), 2);
  }
  return h;
}

function rawClient(port: number, o: RawOptions = {}): Promise<RawClient> {
  const protocol = o.protocol === undefined ? BRIDGE_SUBPROTOCOL : o.protocol;
  const socket = net.connect({ host: '127.0.0.1', port, ...(o.from ? { localAddress: o.from } : {}) });
  socket.on('error', () => {/* close follows */});
  let got: Closed | undefined, closeSent = false;
  let head: Buffer = Buffer.alloc(0), buf: Buffer = Buffer.alloc(0);
  let upgraded!: () => void;
  const whenUpgraded = new Promise<void>((r) => (upgraded = r));
  const send = (op: number, payload: Uint8Array) => {
    if (socket.destroyed) return false;
    socket.write(header(op, payload.length));
    return socket.write(payload);
  };
  const c: RawClient = {
    socket,
    status: 0,
    protocol: undefined,
    texts: [],
    binaryBytes: 0,
    frames: [],
    closed: new Promise((resolve) => socket.once('close', () => resolve(got ?? { code: 1006, reason: '' }))),
    text: (s) => send(1, Buffer.from(s)),
    binary: (b) => send(2, b),
    close(code) {
      closeSent = true;
      send(8, Buffer.from([code >> 8, code & 0xff]));
    },
  };
  const frames = () => {
    for (;;) {
      if (buf.length < 2) return;
      let n = buf[1] & 0x7f, at = 2;
      if (n === 126) [n, at] = [buf.length < 4 ? -1 : buf.readUInt16BE(2), 4];
      else if (n === 127) [n, at] = [buf.length < 10 ? -1 : Number(buf.readBigUInt64BE(2)), 10];
      if (n < 0 || buf.length < at + n) return;
      const op = buf[0] & 0x0f, payload = buf.subarray(at, at + n);
      buf = buf.subarray(at + n);
      if (op === 1) {
        c.texts.push(payload.toString('utf8'));
        if (o.pauseAfterOpen && payload.toString() === 'open') socket.pause();
      } else if (op === 2 || op === 0) {
        c.binaryBytes += n;
        if (o.keep) c.frames.push(Buffer.from(payload));
      } else if (op === 8) {
        got = { code: n >= 2 ? payload.readUInt16BE(0) : 1005, reason: payload.subarray(2).toString('utf8') };
        if (o.deaf) continue;
        if (!closeSent) c.close(got.code < 4000 || got.code >= 5000 ? 1000 : got.code);
        socket.end();
      } else if (op === 9) send(10, payload);
    }
  };
  socket.on('data', (d: Buffer) => {
    if (c.status) {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      return frames();
    }
    head = Buffer.concat([head, d]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const lines = head.subarray(0, end).toString('latin1').split('\r\n');
    c.status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0])?.[1] ?? 999);
    c.protocol = lines.find((l) => /^sec-websocket-protocol:/i.test(l))?.split(':')[1].trim();
    buf = head.subarray(end + 4);
    upgraded();
    frames();
  });
  socket.once('close', () => upgraded());
  socket.once('connect', () => {
    const key = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256))).toString('base64');
    socket.write(
      [
        'GET / HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        ...(protocol === null ? [] : [`Sec-WebSocket-Protocol: ${protocol}`]),
        ...(o.origin ? [`Origin: ${o.origin}`] : []),
        '',
        '',
      ].join('\r\n'),
    );
  });
  return bounded(whenUpgraded, 5000, 'the upgrade answer').then(() => c);
}

/** The hello, then the bridge's `open` or its close, whichever comes first. */
async function relayTo(port: number, hello: object, o: RawOptions = {}): Promise<RawClient> {
  const c = await rawClient(port, o);
  expect(c.status).toBe(101);
  c.text(JSON.stringify(hello));
  let gone = false;
  c.closed.then(() => (gone = true));
  await until(() => c.texts.includes('open') || gone, 15000, 'the bridge to open the relay or close');
  return c;
}

/** What the bridge closed a client with, the client having sent `first` (text or binary). */
async function refusal(port: number, first: string | Uint8Array | undefined, o: RawOptions = {}): Promise<Closed> {
  const c = await rawClient(port, o);
  if (typeof first === 'string') c.text(first);
  else if (first) c.binary(first);
  return bounded(c.closed, 10000, 'the bridge to close the WebSocket');
}

// ---- Portals: plain TCP servers that count the connections that reach them.

interface Portal {
  portal: string;
  port: number;
  accepted(): number;
  /** Connections open now. */
  open(): number;
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}
/** A TCP server on loopback; by default it echoes. */
function listen(onSocket: (s: net.Socket) => void = (s) => s.pipe(s)): Promise<Portal> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => {/* a reset from the bridge: close follows */});
    s.once('close', () => sockets.delete(s));
    onSocket(s);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        portal: `127.0.0.1:${port}`,
        port,
        accepted: () => accepted,
        open: () => sockets.size,
        sockets,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** A proxy that forwards both ways until told to hold the downstream direction after n more
 *  bytes (exactly n: a chunk is split), then cuts both sides when told: a connection that dies
 *  in the middle of whatever was passing, as a crashed peer or a lost route leaves it. */
function startCutProxy(upstreamPort: number) {
  const open = new Set<net.Socket>();
  let budget = Infinity;
  let onHeld: (() => void) | undefined;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: upstreamPort });
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => {});
      s.once('close', () => open.delete(s));
    }
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      if (budget === 0) return;
      if (d.length < budget) {
        budget -= d.length;
        client.write(d);
        return;
      }
      client.write(d.subarray(0, budget));
      budget = 0;
      upstream.pause();
      onHeld?.();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  return new Promise<{
    port: number;
    portal: string;
    /** Resolves once n more bytes went downstream and the rest is held back. */
    holdAfter(n: number): Promise<void>;
    cut(): void;
    close(): Promise<void>;
  }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        portal: `127.0.0.1:${port}`,
        holdAfter: (n) => {
          budget = n;
          return new Promise<void>((r) => (onHeld = r));
        },
        cut: () => open.forEach((s) => s.destroy()),
        close: () =>
          new Promise<void>((r) => {
            open.forEach((s) => s.destroy());
            server.close(() => r());
          }),
      });
    })
  );
}

/** Polls f every 250 ms until it has not changed for `quietMs`: how far a stalled flow got. */
async function settled(f: () => number, quietMs = 1000, maxMs = 20000): Promise<number> {
  const end = Date.now() + maxMs;
  let last = f(), since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > end) throw new Error(`still moving after ${maxMs} ms (at ${f()})`);
    await sleep(250);
    if (f() !== last) [last, since] = [f(), Date.now()];
  }
  return last;
}

/** The runtime's WebSocket, each instance kept so a test can wait out its closing handshake: the
 *  web host's close() does not wait for it, and Deno's sanitizer counts a WebSocket still closing
 *  as a leak of the test that made it. */
async function trackedWebSocket() {
  const WS = await webSocketClass();
  const made: WebSocket[] = [];
  const Tracked = class extends WS {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      made.push(this);
    }
  };
  return {
    WebSocket: Tracked as typeof WebSocket,
    closed: () => until(() => made.every((w) => w.readyState === 3), 5000, 'every WebSocket to finish closing'),
  };
}

const token = (b: RunningBridgeProcess) => b.token;
const C = BRIDGE_CLOSE;

const OWN_TOKEN = 'a-token-of-twenty-chars';
/** A bridge in this process with `o`, in front of a portal of its own (the suite's echo counts
 *  connections for the tests that expect none); `run` gets the hello that reaches that portal. */
async function withOwnBridge(
  o: Partial<BridgeOptions>,
  run: (b: RunningBridge, hello: { token: string; portal: string }) => Promise<void>,
): Promise<void> {
  const own = await listen();
  const b = await startBridge({ port: 0, allow: [own.portal], token: OWN_TOKEN, ...o });
  try {
    await run(b, { token: OWN_TOKEN, portal: own.portal });
  } finally {
    await b.close();
    await own.close();
  }
}
/** The relay was opened: close it from our side and wait until the bridge let it go. */
async function servedThenClosed(c: RawClient): Promise<void> {
  expect(c.texts).toEqual(['open']);
  c.close(1000);
  await bounded(c.closed, 5000, 'the client to close');
}

describe('iscsi-adapter bridge: every refusal comes before a TCP connect', () => {
  let echo: Portal;
  let deadPortal: string;
  let bridge: RunningBridgeProcess;
  beforeAll(async () => {
    bundle();
    echo = await listen();
    deadPortal = `127.0.0.1:${await freePort()}`;
    bridge = await startBridgeProcess({ allow: [echo.portal, deadPortal] });
  }, 60000);
  afterAll(async () => {
    await bridge?.stop();
    await echo?.close();
  });

  it('no hello within the hello time: 4408', async () => {
    // The command has no flag for it, so the bridge runs in this process with 300 ms.
    const b = await startBridge({ port: 0, allow: [echo.portal], token: 'a-token-of-twenty-chars', helloMs: 300 });
    try {
      const t0 = Date.now();
      const c = await rawClient(b.port);
      expect(c.status).toBe(101);
      expect(c.protocol).toBe(BRIDGE_SUBPROTOCOL);
      expect(await bounded(c.closed, 5000, 'the hello timeout')).toEqual({
        code: C.TIMEOUT,
        reason: 'no hello within 300 ms',
      });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
      expect(echo.accepted()).toBe(0);
    } finally {
      await b.close();
    }
  });

  it('a client that never answers the close frame is cut off at once, not after 30 s, and frees its slot', () =>
    withOwnBridge({ helloMs: 300, maxConnections: 1 }, async (b, hello) => {
      const deaf = await rawClient(b.port, { deaf: true });
      // ws alone would wait 30 s for its answer; the bridge cuts it a second after its close.
      expect(await bounded(deaf.closed, 5000, 'the silent client to be cut off')).toEqual({
        code: C.TIMEOUT,
        reason: 'no hello within 300 ms',
      });
      await servedThenClosed(await relayTo(b.port, hello));
    }));

  it('maxPerAddress 2: a third WebSocket from one address is refused 4429, another address is served', () =>
    withOwnBridge({ maxPerAddress: 2 }, async (b, hello) => {
      const first = await relayTo(b.port, hello);
      const second = await relayTo(b.port, hello);
      expect(await refusal(b.port, undefined)).toEqual({
        code: C.TOO_MANY_CONNECTIONS,
        reason: '2 connections open from 127.0.0.1',
      });
      const elsewhere = await relayTo(b.port, hello, { from: '127.0.0.2' });
      await Promise.all([first, second, elsewhere].map((c) => servedThenClosed(c)));
      // Their slots are given back.
      await servedThenClosed(await relayTo(b.port, hello));
    }));

  it('a refusal whose reason is longer than a close frame carries is cut to 123 bytes; the bridge goes on', () =>
    withOwnBridge({ origins: ['http://127.0.0.1:1'] }, async (b, hello) => {
      const origin = `http://${'a'.repeat(60)}.${'b'.repeat(60)}.example`;
      const noToken = await refusal(b.port, undefined, { origin });
      expect(noToken.code).toBe(C.ORIGIN_NOT_ALLOWED);
      expect(Buffer.byteLength(noToken.reason)).toBeLessThanOrEqual(123);
      expect(noToken.reason).toMatch(/^origin http:\/\/a+\.b+\.\.\.$/);
      const longPortal = `${'p'.repeat(110)}:3260`;
      const tooLong = await refusal(b.port, JSON.stringify({ token: OWN_TOKEN, portal: longPortal }), {
        origin: 'http://127.0.0.1:1',
      });
      expect([tooLong.code, Buffer.byteLength(tooLong.reason) <= 123]).toEqual([C.PORTAL_NOT_ALLOWED, true]);
      await servedThenClosed(await relayTo(b.port, hello, { origin: 'http://127.0.0.1:1' }));
    }));

  it('--origin is compared as a browser sends it: a trailing slash or capitals in the entry still match', () =>
    withOwnBridge({ origins: ['HTTP://Console.Example:8443/'] }, async (b, hello) => {
      await servedThenClosed(await relayTo(b.port, hello, { origin: 'http://console.example:8443' }));
    }));

  it('a first frame that is not a JSON hello with a portal: 4400', async () => {
    const t = token(bridge);
    expect(await refusal(bridge.port, 'hello')).toEqual({ code: C.BAD_HELLO, reason: 'hello is not JSON' });
    expect(await refusal(bridge.port, new TextEncoder().encode(JSON.stringify({ token: t, portal: echo.portal }))))
      .toEqual({ code: C.BAD_HELLO, reason: 'the first frame must be the JSON hello' });
    expect(await refusal(bridge.port, '"a string"')).toEqual({ code: C.BAD_HELLO, reason: 'hello is not an object' });
    expect(await refusal(bridge.port, 'null')).toEqual({ code: C.BAD_HELLO, reason: 'hello is not an object' });
    expect(await refusal(bridge.port, JSON.stringify({ token: t }))).toEqual({
      code: C.BAD_HELLO,
      reason: 'hello has no portal',
    });
    expect(await refusal(bridge.port, JSON.stringify({ token: t, portal: 3260 }))).toEqual({
      code: C.BAD_HELLO,
      reason: 'hello has no portal',
    });
    expect(await refusal(bridge.port, JSON.stringify({ token: t, portal: 'x'.repeat(5000) }))).toEqual({
      code: C.BAD_HELLO,
      reason: 'hello longer than 4096 bytes',
    });
    expect(echo.accepted()).toBe(0);
  });

  it('a wrong or missing token: 4401, checked before the portal, and neither token is logged', async () => {
    const wrong = 'not-the-token-but-long-enough';
    for (
      const hello of [{ token: wrong, portal: echo.portal }, { portal: echo.portal }, {
        token: 42,
        portal: echo.portal,
      }]
    ) {
      expect(await refusal(bridge.port, JSON.stringify(hello))).toEqual({
        code: C.BAD_TOKEN,
        reason: 'token missing or wrong',
      });
    }
    // A client without the token learns nothing about the allowlist.
    expect(await refusal(bridge.port, JSON.stringify({ token: wrong, portal: '10.0.0.1:3260' }))).toEqual({
      code: C.BAD_TOKEN,
      reason: 'token missing or wrong',
    });
    expect(echo.accepted()).toBe(0);
    await until(() => (bridge.log().match(/refused 4401 bad-token/g) ?? []).length === 4, 2000, 'four log lines');
    expect(bridge.log()).not.toContain(wrong);
    expect(bridge.log()).not.toContain(bridge.token);
  });

  it('a portal not on the allowlist, or spelled otherwise: 4403', async () => {
    const port = echo.port;
    for (
      const portal of [
        '10.0.0.1:3260',
        `127.0.0.1:${port + 1}`,
        `localhost:${port}`,
        `127.0.0.2:${port}`,
        `[::ffff:127.0.0.1]:${port}`,
        `[::1]:${port}`,
        `127.0.0.1:${port}/x`,
        ` 127.0.0.1:${port}`,
        '127.0.0.1',
      ]
    ) {
      expect(await refusal(bridge.port, JSON.stringify({ token: bridge.token, portal }))).toEqual({
        code: C.PORTAL_NOT_ALLOWED,
        reason: `portal ${portal} is not allowed`,
      });
    }
    expect(echo.accepted()).toBe(0);
  });

  it('a missing or wrong subprotocol: refused (4400, no subprotocol in the answer)', async () => {
    for (const protocol of [null, 'iscsi-bridge.v0', 'chat']) {
      const c = await rawClient(bridge.port, { protocol });
      expect(c.status).toBe(101);
      expect(c.protocol).toBeUndefined();
      c.text(JSON.stringify({ token: bridge.token, portal: echo.portal }));
      expect(await bounded(c.closed, 5000, 'the refusal')).toEqual({
        code: C.BAD_HELLO,
        reason: `subprotocol ${BRIDGE_SUBPROTOCOL} required`,
      });
    }
    // The runtime's own WebSocket offering another subprotocol never opens: the answer names none.
    const WS = await webSocketClass();
    const ws = new WS(bridge.url, 'iscsi-bridge.v0');
    ws.onerror = () => {/* the close follows */};
    let opened = false;
    ws.onopen = () => {
      opened = true;
      ws.send(JSON.stringify({ token: bridge.token, portal: echo.portal }));
    };
    const ev = await bounded(new Promise<CloseEvent>((r) => (ws.onclose = r)), 5000, 'the close');
    expect(['never opened', C.BAD_HELLO]).toContain(opened ? ev.code : 'never opened');
    expect(echo.accepted()).toBe(0);
  });

  it('an allowed portal nobody listens on: 4502 after the connect fails', async () => {
    expect(await refusal(bridge.port, JSON.stringify({ token: bridge.token, portal: deadPortal }))).toEqual({
      code: C.CONNECT_FAILED,
      reason: 'connect failed: ECONNREFUSED',
    });
  });

  it('the hello passes: open, bytes both ways untouched; no payload or token in the log', async () => {
    const c = await relayTo(bridge.port, { token: bridge.token, portal: echo.portal }, { keep: true });
    expect(c.texts).toEqual(['open']);
    const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 13) & 0xff);
    const marker = 'PAYLOAD-MARKER-not-for-logs';
    c.binary(new TextEncoder().encode(marker));
    c.binary(bytes);
    const n = marker.length + bytes.length;
    await until(() => c.binaryBytes === n, 5000, 'the echo');
    expect(Buffer.concat(c.frames).subarray(marker.length)).toEqual(Buffer.from(bytes));
    c.close(1000);
    expect(await bounded(c.closed, 5000, 'the close')).toEqual({ code: 1000, reason: '' });
    expect(echo.accepted()).toBe(1);
    await until(() => /ended 1000 normal/.test(bridge.log()), 2000, 'the log line');
    expect(bridge.log()).toContain(`up ${n} B, down ${n} B`);
    expect(bridge.log()).not.toContain(marker);
    expect(bridge.log()).not.toContain(bridge.token);
  });

  it("a half-close travels: the target's FIN as `end`, the client's orderly close as a FIN", async () => {
    // A portal that answers its first bytes and sends its FIN, then reads on until the bridge's.
    const got: Buffer[] = [];
    let finFromBridge = false;
    const half = await listen((s) => {
      s.once('data', () => s.end('last words'));
      s.on('data', (d: Buffer) => got.push(d));
      s.on('end', () => (finFromBridge = true));
    });
    const b = await startBridgeProcess({ allow: [half.portal] });
    try {
      const c = await relayTo(b.port, { token: b.token, portal: half.portal }, { keep: true });
      c.binary(new TextEncoder().encode('first'));
      await until(() => c.texts.includes('end'), 5000, 'the end frame');
      expect(c.texts).toEqual(['open', 'end']);
      expect(Buffer.concat(c.frames).toString()).toBe('last words');
      // The other direction is still open: bytes after `end` still reach the target.
      c.binary(new TextEncoder().encode(' and more'));
      await until(() => Buffer.concat(got).toString() === 'first and more', 5000, 'the bytes after end');
      expect(finFromBridge).toBe(false);
      c.close(1000);
      expect(await bounded(c.closed, 5000, 'the close')).toEqual({ code: 1000, reason: '' });
      await until(() => finFromBridge && half.open() === 0, 5000, "the bridge's FIN");
    } finally {
      await b.stop();
      await half.close();
    }
  });
});

describe('iscsi-adapter bridge: Origin, connection limit, idle', () => {
  let echo: Portal;
  beforeAll(async () => {
    bundle();
    echo = await listen();
  }, 60000);
  afterAll(async () => {
    await echo?.close();
  });

  it('an Origin not in --origin, or none: 4405 and no TCP connect; the one given is served', async () => {
    const bridge = await startBridgeProcess({ allow: [echo.portal], origins: ['https://app.example'] });
    try {
      const hello = JSON.stringify({ token: bridge.token, portal: echo.portal });
      for (const origin of ['https://evil.example', 'https://app.example.evil', 'http://app.example', 'null']) {
        expect(await refusal(bridge.port, hello, { origin })).toEqual({
          code: C.ORIGIN_NOT_ALLOWED,
          reason: `origin ${origin} is not allowed`,
        });
      }
      expect(await refusal(bridge.port, hello)).toEqual({
        code: C.ORIGIN_NOT_ALLOWED,
        reason: 'origin (none) is not allowed',
      });
      expect(echo.accepted()).toBe(0);
      const c = await relayTo(bridge.port, JSON.parse(hello), { origin: 'https://app.example' });
      expect(c.texts).toEqual(['open']);
      expect(echo.accepted()).toBe(1);
      c.close(1000);
      expect((await bounded(c.closed, 5000, 'the close')).code).toBe(1000);
    } finally {
      await bridge.stop();
    }
  });

  it('past --max-connections: 4429 at once, while the earlier ones stay served', async () => {
    const bridge = await startBridgeProcess({ allow: [echo.portal], maxConnections: 3 });
    const before = echo.accepted();
    const hello = { token: bridge.token, portal: echo.portal };
    try {
      const served: RawClient[] = [];
      for (let i = 0; i < 3; i++) served.push(await relayTo(bridge.port, hello, { keep: true }));
      expect(served.map((c) => c.texts)).toEqual([['open'], ['open'], ['open']]);
      expect(await refusal(bridge.port, JSON.stringify(hello))).toEqual({
        code: C.TOO_MANY_CONNECTIONS,
        reason: '3 connections open',
      });
      // Even a client that sends nothing is counted and refused.
      expect(await refusal(bridge.port, undefined)).toEqual({
        code: C.TOO_MANY_CONNECTIONS,
        reason: '3 connections open',
      });
      expect(echo.accepted() - before).toBe(3);
      served.forEach((c, i) => c.binary(Uint8Array.of(i, i, i)));
      await until(() => served.every((c) => c.binaryBytes === 3), 5000, 'the three echoes');
      expect(served.map((c) => [...Buffer.concat(c.frames)])).toEqual([[0, 0, 0], [1, 1, 1], [2, 2, 2]]);
      // One leaves: a new one is served again.
      served[0].close(1000);
      await bounded(served[0].closed, 5000, 'the close');
      await until(() => echo.open() === 2, 5000, 'the relay to end');
      const next = await relayTo(bridge.port, hello);
      expect(next.texts).toEqual(['open']);
      for (const c of [...served.slice(1), next]) {
        c.close(1000);
        expect((await bounded(c.closed, 5000, 'the close')).code).toBe(1000);
      }
    } finally {
      await bridge.stop();
    }
  });

  it('--idle-ms 300: a relay with no traffic is closed 4408; traffic keeps it open', async () => {
    const bridge = await startBridgeProcess({ allow: [echo.portal], idleMs: 300 });
    try {
      const c = await relayTo(bridge.port, { token: bridge.token, portal: echo.portal });
      expect(c.texts).toEqual(['open']);
      let gone = false;
      c.closed.then(() => (gone = true));
      let quiet = 0;
      for (let i = 0; i < 8; i++) {
        c.binary(Uint8Array.of(i));
        quiet = Date.now();
        await sleep(100);
      }
      expect(gone).toBe(false);
      expect(await bounded(c.closed, 5000, 'the idle close')).toEqual({ code: C.TIMEOUT, reason: 'idle for 300 ms' });
      expect(Date.now() - quiet).toBeGreaterThanOrEqual(290);
      expect(c.binaryBytes).toBe(8);
      await until(() => echo.open() === 0, 5000, 'the TCP side to close');
    } finally {
      await bridge.stop();
    }
  });
});

describe('iscsi-adapter bridge: a connection cut mid-PDU ends the session as a TCP reset does', () => {
  let target: RunningTarget;
  beforeAll(async () => {
    bundle();
    target = await startTarget({ targets: [{ name: T }] });
  }, 60000);
  afterAll(async () => {
    await target?.close();
  });

  /** Logs in through `portal` (recovery off), starts a 4 MiB read, lets `fault` break the
   *  connection while its Data-In is passing, and says how the session ended. */
  async function sessionEnd(
    adapter: ReturnType<typeof createAdapter>,
    portal: string,
    fault: (read: Promise<unknown>) => Promise<void>,
  ) {
    const events: AdapterEvent[] = [];
    adapter.on((e) => events.push(e));
    try {
      const out = await adapter.loginToTarget({ target: T, portal, recovery: false }).result();
      expect(out.result).toBe('ok');
      const disk = adapter.session(out.sessionId!)!;
      const read = disk.read(0, 0, 8192).catch((e) => e);
      await fault(read);
      const err = await bounded(read, 10000, 'the read to end');
      expect(err).toBeInstanceOf(IscsiError);
      await until(
        () => events.length > 0 && adapter.queryTargets().every((t) => t.sessions.length === 0),
        5000,
        'the session to end',
      );
      return {
        error: (err as IscsiError).reason,
        events: events.map(({ sessionId: _s, targetId: _t, ...e }) => e),
        sessions: adapter.queryTargets().flatMap((t) => t.sessions),
      };
    } finally {
      await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
      expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    }
  }
  const lost = { error: 'session-lost', events: [{ type: 'connection-lost' }], sessions: [] };

  it('the WebSocket cut mid-PDU (web host) ends it as a TCP connection cut mid-PDU (socket host) does', async () => {
    const bridge = await startBridgeProcess({ allow: [target.portal] });
    const toBridge = await startCutProxy(bridge.port);
    const toTarget = await startCutProxy(target.port);
    try {
      // 1 MiB and an odd 777 bytes into the read's answer: inside a Data-In PDU (and a frame).
      const cutInRead = (proxy: Awaited<ReturnType<typeof startCutProxy>>) => async () => {
        await bounded(proxy.holdAfter(MiB + 777), 10000, '1 MiB of the read');
        proxy.cut();
      };
      const ws = await trackedWebSocket();
      const web = await sessionEnd(
        createWebAdapter({ bridge: `ws://127.0.0.1:${toBridge.port}`, token: bridge.token, WebSocket: ws.WebSocket }),
        target.portal,
        cutInRead(toBridge),
      );
      await ws.closed();
      const node = await sessionEnd(createAdapter(), toTarget.portal, cutInRead(toTarget));
      expect(node).toEqual(lost);
      expect(web).toEqual(node);
      // The bridge took the cut WebSocket as a reset and passed it on: the target dropped the session.
      await until(() => target.sessions() === 0, 5000, 'the target to drop both sessions');
      await until(() => /ended 1006 abnormal/.test(bridge.log()), 5000, 'the relay end in the log');
    } finally {
      await toBridge.close();
      await toTarget.close();
      await bridge.stop();
    }
  });

  it('the bridge process killed (SIGKILL) mid-PDU: the same end, nothing left behind', async () => {
    // The proxy sits between the bridge and the target and holds the read's answer in its middle,
    // so the bridge dies with a PDU half relayed.
    const toTarget = await startCutProxy(target.port);
    const bridge = await startBridgeProcess({ allow: [toTarget.portal] });
    try {
      const ws = await trackedWebSocket();
      const web = await sessionEnd(
        createWebAdapter({ bridge: bridge.url, token: bridge.token, WebSocket: ws.WebSocket }),
        toTarget.portal,
        async () => {
          await bounded(toTarget.holdAfter(MiB + 777), 10000, '1 MiB of the read');
          kill(bridge.pid, 'SIGKILL');
        },
      );
      expect(web).toEqual(lost);
      await ws.closed();
      await until(() => target.sessions() === 0, 5000, 'the target to drop the session');
    } finally {
      await toTarget.close();
      await bridge.stop();
    }
  });
});

describe('iscsi-adapter bridge under load: memory bounded by highWater', () => {
  const TOTAL = 64 * MiB;
  // The bridge's own buffers are about highWater per direction (bridge/options.ts); the rest of
  // the allowance is the heap and garbage a Node process carries while it relays this much.
  const ALLOWANCE_KiB = 48 * 1024;

  it('(a) a client that does not read: the target sees backpressure, the bridge stays bounded, then all 64 MiB arrive', async () => {
    expect(BRIDGE_DEFAULTS.highWater).toBe(MiB);
    let written = 0, refusedWrites = 0;
    const chunk = Buffer.alloc(64 << 10, 0x5a);
    const flood = await listen((s) => {
      const pump = () => {
        while (written < TOTAL) {
          written += chunk.length;
          if (!s.write(chunk)) {
            refusedWrites++;
            s.once('drain', pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
    const bridge = await startBridgeProcess({ allow: [flood.portal] });
    try {
      await sleep(300);
      const baseline = bridge.rssKiB();
      const c = await relayTo(bridge.port, { token: bridge.token, portal: flood.portal }, { pauseAfterOpen: true });
      expect(c.texts).toEqual(['open']);
      const stalledAt = await settled(() => written);
      const rss = bridge.rssKiB();
      // What left the target sits in socket buffers and the bridge's highWater, not in a queue
      // without bound: the writes stall far short of 64 MiB.
      expect(refusedWrites).toBeGreaterThan(0);
      expect(stalledAt).toBeLessThan(TOTAL / 2);
      expect(rss - baseline).toBeLessThan(ALLOWANCE_KiB);
      // The client reads again: every byte comes, then the target's FIN.
      c.socket.resume();
      await until(() => c.texts.includes('end'), 30000, 'the whole 64 MiB and the end frame');
      expect(c.binaryBytes).toBe(TOTAL);
      expect(c.texts).toEqual(['open', 'end']);
      c.close(1000);
      expect((await bounded(c.closed, 5000, 'the close')).code).toBe(1000);
    } finally {
      await bridge.stop();
      await flood.close();
    }
  });

  it('(c) a target that does not read: the bridge pauses the WebSocket, stays bounded, then all 64 MiB arrive in order', async () => {
    let received = 0, inOrder = true;
    const sink = await listen((s) => {
      s.pause();
      s.on('data', (d: Buffer) => {
        // Frame i of the client is 64 KiB of the byte i & 0xff.
        const at = (k: number) => ((received + k) >> 16) & 0xff;
        if (d[0] !== at(0) || d[d.length - 1] !== at(d.length - 1)) inOrder = false;
        received += d.length;
      });
    });
    const bridge = await startBridgeProcess({ allow: [sink.portal] });
    try {
      await sleep(300);
      const baseline = bridge.rssKiB();
      const c = await relayTo(bridge.port, { token: bridge.token, portal: sink.portal });
      expect(c.texts).toEqual(['open']);
      let sent = 0, refusedWrites = 0;
      const frames = Array.from({ length: 256 }, (_, i) => Buffer.alloc(64 << 10, i));
      const sendAll = async () => {
        while (sent < TOTAL) {
          const ok = c.binary(frames[(sent >> 16) & 0xff]);
          sent += 64 << 10;
          if (!ok) {
            refusedWrites++;
            await new Promise((r) => c.socket.once('drain', r));
          }
        }
      };
      const sending = sendAll();
      const stalledAt = await settled(() => sent);
      const rss = bridge.rssKiB();
      expect(refusedWrites).toBeGreaterThan(0);
      expect(stalledAt).toBeLessThan(TOTAL / 2);
      expect(received).toBe(0);
      expect(rss - baseline).toBeLessThan(ALLOWANCE_KiB);
      // The target reads: the bridge resumes the WebSocket and every byte arrives, in order.
      for (const s of sink.sockets) s.resume();
      await bounded(sending, 30000, 'the client to send 64 MiB');
      await until(() => received === TOTAL, 30000, 'the target to receive 64 MiB');
      expect(inOrder).toBe(true);
      c.close(1000);
      expect((await bounded(c.closed, 5000, 'the close')).code).toBe(1000);
    } finally {
      await bridge.stop();
      await sink.close();
    }
  });

  it('(c) ... and the target resets while the WebSocket is paused: the client hears 4503 at once, not after 30 s', async () => {
    const sink = await listen((s) => s.pause());
    const bridge = await startBridgeProcess({ allow: [sink.portal] });
    try {
      const c = await relayTo(bridge.port, { token: bridge.token, portal: sink.portal });
      let sent = 0, stalled = false;
      const chunk = Buffer.alloc(64 << 10, 1);
      const pump = () => {
        while (!c.socket.destroyed && sent < TOTAL) {
          sent += chunk.length;
          if (!c.binary(chunk)) {
            stalled = true;
            return void c.socket.once('drain', pump);
          }
        }
      };
      pump();
      await settled(() => sent);
      expect(stalled).toBe(true);
      // Unread bytes in its buffer: the target's close is a reset.
      const t0 = Date.now();
      for (const s of sink.sockets) s.destroy();
      expect(await bounded(c.closed, 10000, 'the close')).toEqual({
        code: C.TARGET_RESET,
        reason: 'target reset: ECONNRESET',
      });
      expect(Date.now() - t0).toBeLessThan(5000);
      await until(() => /ended 4503 target-reset/.test(bridge.log()), 2000, 'the log line');
    } finally {
      await bridge.stop();
      await sink.close();
    }
  });

  it('(d) before its hello a client cannot make the bridge buffer a large frame: 4400 after 4 KiB', async () => {
    const bridge = await startBridgeProcess({ allow: ['127.0.0.1:9'] });
    try {
      await sleep(300);
      const baseline = bridge.rssKiB();
      // Four clients without the token each start the largest frame ws takes and send all of it:
      // none of it may be held for them.
      const clients = await Promise.all(Array.from({ length: 4 }, () => rawClient(bridge.port)));
      const frame = Buffer.alloc(MAX_FRAME - 64, 0x20);
      for (const c of clients) c.text(frame.toString('latin1'));
      const ends = await Promise.all(clients.map((c) => bounded(c.closed, 10000, 'the refusal')));
      expect(ends).toEqual(Array(4).fill({ code: C.BAD_HELLO, reason: 'hello longer than 4096 bytes' }));
      expect(bridge.rssKiB() - baseline).toBeLessThan(16 * 1024);
    } finally {
      await bridge.stop();
    }
  });

  it('(b) 1,000 WebSockets opened and dropped, 50 at a time: nothing leaks, a normal client is served after', async () => {
    const echo = await listen();
    const target = await startTarget({ targets: [{ name: T }] });
    const bridge = await startBridgeProcess({ allow: [echo.portal, target.portal] });
    try {
      await sleep(300);
      const baseline = bridge.rssKiB();
      const hello = JSON.stringify({ token: bridge.token, portal: echo.portal });
      const ends = new Map<string, number>();
      const once = async (i: number) => {
        const kind = i % 5;
        if (kind === 0) {
          // Dropped in the middle of the upgrade request.
          const s = net.connect({ host: '127.0.0.1', port: bridge.port });
          s.on('error', () => {});
          await new Promise<void>((r) => {
            s.once('connect', () => s.end('GET / HTTP/1.1\r\nUpgrade: websocket\r\n', () => s.destroy()));
            s.once('close', () => r());
          });
          return;
        }
        const c = await rawClient(bridge.port);
        if (kind >= 2) c.text(hello); // kind 1: dropped before its hello
        if (kind >= 3) await until(() => c.texts.includes('open'), 5000, 'open');
        if (kind === 4) {
          c.binary(Uint8Array.of(1, 2, 3));
          await until(() => c.binaryBytes === 3, 5000, 'the echo');
          c.close(1000);
        } else c.socket.destroy();
        const { code } = await bounded(c.closed, 5000, 'the client socket to close');
        ends.set(`${kind} ${code}`, (ends.get(`${kind} ${code}`) ?? 0) + 1);
      };
      for (let i = 0; i < 1000; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, k) => once(i + k)));
      }
      expect(Object.fromEntries(ends)).toEqual({ '1 1006': 200, '2 1006': 200, '3 1006': 200, '4 1000': 200 });
      expect(echo.accepted()).toBeGreaterThanOrEqual(400);
      await until(() => echo.open() === 0, 5000, 'every relay to end at the TCP side');
      // The bridge counts no connection it does not have: all 64 (the default limit) at once.
      await sleep(200);
      const again = await Promise.all(
        Array.from({ length: BRIDGE_DEFAULTS.maxConnections }, () => relayTo(bridge.port, JSON.parse(hello))),
      );
      expect(again.filter((c) => c.texts.includes('open')).length).toBe(BRIDGE_DEFAULTS.maxConnections);
      for (const c of again) c.close(1000);
      await Promise.all(again.map((c) => bounded(c.closed, 5000, 'the close')));
      // A normal client end to end.
      const ws = await trackedWebSocket();
      const a = createWebAdapter({ bridge: bridge.url, token: bridge.token, WebSocket: ws.WebSocket });
      try {
        const out = await a.loginToTarget({ target: T, portal: target.portal }).result();
        const disk = a.session(out.sessionId!)!;
        const data = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff);
        await disk.write(0, 16, data);
        expect(await disk.read(0, 16, 128)).toEqual(data);
        expect((await a.logoutFromTarget(T).wait()).hr).toBe(0);
      } finally {
        await a.close();
        await ws.closed();
      }
      expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
      expect(bridge.rssKiB() - baseline).toBeLessThan(ALLOWANCE_KiB);
    } finally {
      await bridge.stop();
      await target.close();
      await echo.close();
    }
  });
});

describe('iscsi-adapter bridge (the command)', () => {
  let dir: string;
  let tokenFile: string;
  beforeAll(() => {
    bundle();
    dir = tempDir('iscsi-bridge-cli-');
    tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'a-token-of-twenty-chars\n');
  }, 60000);
  afterAll(() => {
    if (dir) removeDir(dir);
  });

  it('a token file others can read is refused: exit 2, "chmod 600"', async () => {
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(tokenFile, mode);
      const r = await runCli([
        'bridge',
        '--listen',
        '127.0.0.1:0',
        '--allow',
        '127.0.0.1:3260',
        '--token-file',
        tokenFile,
      ]);
      expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
      expect(r.stderr).toContain(
        `--token-file ${tokenFile} is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
      );
    }
  });

  it('--name=value is taken as --name value', async () => {
    chmodSync(tokenFile, 0o644);
    const r = await runCli(['bridge', '--listen=127.0.0.1:0', '--allow=127.0.0.1:3260', `--token-file=${tokenFile}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('chmod 600 it');
  });

  it('no --allow, or no --token-file, or an unknown option: exit 2 with what is wrong', async () => {
    chmodSync(tokenFile, 0o600);
    const noAllow = await runCli(['bridge', '--token-file', tokenFile]);
    expect(noAllow.code).toBe(2);
    expect(noAllow.stderr).toContain('bridge needs --allow HOST:PORT[,...]');
    const noToken = await runCli(['bridge', '--allow', '127.0.0.1:3260']);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('bridge needs --token-file FILE');
    const unknown = await runCli(['bridge', '--allow', '127.0.0.1:3260', '--token-file', tokenFile, '--nope', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('iscsi-adapter bridge: unknown option --nope\n');
    const badAllow = await runCli(['bridge', '--allow', 'nowhere', '--token-file', tokenFile]);
    expect(badAllow.code).not.toBe(0);
    expect(badAllow.stderr).toContain('--allow: "nowhere" is not host:port');
    const badOrigin = await runCli(['bridge', '--allow', '127.0.0.1:3260', '--token-file', tokenFile, '--origin', 'x']);
    expect([badOrigin.code, badOrigin.stderr]).toEqual([
      2,
      expect.stringContaining('--origin: "x" is not an http(s) origin'),
    ]);
  });

  it('SIGTERM: open relays and a client still before its hello are closed 4504, exit 0', async () => {
    chmodSync(tokenFile, 0o600);
    const echo = await listen();
    const port = await freePort();
    const child = spawn('node', [
      cli,
      'bridge',
      '--listen',
      `127.0.0.1:${port}`,
      '--allow',
      echo.portal,
      '--token-file',
      tokenFile,
    ], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
    try {
      await until(() => stdout.includes('bridge listening on'), 15000, 'the bridge to listen');
      expect(stdout).toBe(`bridge listening on ws://127.0.0.1:${port}, allowing ${echo.portal}\n`);
      const relays = [
        await relayTo(port, { token: 'a-token-of-twenty-chars', portal: echo.portal }),
        await relayTo(port, { token: 'a-token-of-twenty-chars', portal: echo.portal }),
      ];
      const early = await rawClient(port);
      expect(relays.map((c) => c.texts)).toEqual([['open'], ['open']]);
      // process.kill, not child.kill: Deno's ChildProcess then reports the signal, not the exit code.
      process.kill(child.pid!, 'SIGTERM');
      const closes = await Promise.all([...relays, early].map((c) => bounded(c.closed, 5000, 'the close')));
      expect(closes).toEqual(Array(3).fill({ code: C.SHUTTING_DOWN, reason: 'the bridge is closing' }));
      expect(await bounded(exited, 10000, 'the bridge to exit')).toBe(0);
      expect(stderr).toMatch(/ended 4504 shutting-down/);
      await until(() => echo.open() === 0, 5000, 'the TCP sides to close');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      await echo.close();
    }
  });
});
