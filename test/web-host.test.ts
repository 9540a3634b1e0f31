// The web host (hosts/web) through a real `iscsi-adapter bridge` process to the built-in target:
// the same adapter API as the socket hosts, in every runtime (Node 20 lends `ws`'s WebSocket).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeError, createAdapter, IscsiError } from '../hosts/web/mod.ts';
import { type RunningTarget, startTarget } from 'iscsi-adapter/target';
import { bundle, type RunningBridgeProcess, startBridgeProcess, webSocketClass } from './peers/bridge.ts';
import { freePort } from './peers/daemon.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:web';
const CHAP = { user: 'webuser', secret: 'WebSecret4Chap' };

describe('the web host through the bridge', () => {
  let target: RunningTarget;
  let chapTarget: RunningTarget;
  let bridge: RunningBridgeProcess;
  let WS: typeof WebSocket;
  beforeAll(async () => {
    bundle();
    WS = await webSocketClass();
    target = await startTarget({ targets: [{ name: T, lun: { size: 32 << 20 } }] });
    chapTarget = await startTarget({ targets: [{ name: T, chap: CHAP }] });
    bridge = await startBridgeProcess({ allow: [target.portal, chapTarget.portal] });
  }, 60000);
  afterAll(async () => {
    await bridge?.stop();
    await target?.close();
    await chapTarget?.close();
  });
  const adapter = () => createAdapter({ bridge: bridge.url, token: bridge.token, WebSocket: WS });

  it('logs in, writes, reads back and logs out of every session', async () => {
    const a = adapter();
    try {
      const s1 = await a.loginToTarget({ target: T, portal: target.portal }).result();
      await a.loginToTarget({ target: T, portal: target.portal }).result();
      const disk = a.session(s1.sessionId!)!;
      const cap = await disk.readCapacity();
      expect(cap.blockSize).toBe(512);
      const data = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff);
      await disk.write(0, 16, data);
      expect(await disk.read(0, 16, 128)).toEqual(data);
      const { hr, output } = await a.logoutFromTarget(T).wait();
      expect(hr).toBe(0);
      expect(output.sessions.map((s) => s.reason)).toEqual(['logged-out', 'logged-out']);
    } finally {
      await a.close();
    }
    expect(a.resources()).toMatchObject({ sockets: 0, timers: 0 });
  });

  it('24 MiB of writes issued at once read back equal', async () => {
    const a = adapter();
    try {
      const s = await a.loginToTarget({ target: T, portal: target.portal }).result();
      const disk = a.session(s.sessionId!)!;
      const chunk = (i: number) => Uint8Array.from({ length: 1 << 20 }, (_, j) => (i * 13 + j) & 0xff);
      await Promise.all(Array.from({ length: 24 }, (_, i) => disk.write(0, i * 2048, chunk(i))));
      for (const i of [0, 11, 23]) expect(await disk.read(0, i * 2048, 2048)).toEqual(chunk(i));
    } finally {
      await a.close();
    }
  });

  it('a portal off the allowlist fails the login naming the refusal', async () => {
    const off = `127.0.0.1:${await freePort()}`;
    const a = adapter();
    try {
      const r = await a.loginToTarget({ target: T, portal: off }).wait();
      expect(r.hr).not.toBe(0);
      expect(r.output.error).toMatch(`4403 portal-not-allowed (portal ${off} is not allowed)`);
      const e = await a.loginToTarget({ target: T, portal: off }).result().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(IscsiError);
      expect((e as IscsiError).cause).toBeInstanceOf(BridgeError);
      expect((e as IscsiError).cause).toMatchObject({ closeCode: 4403, closeName: 'portal-not-allowed' });
    } finally {
      await a.close();
    }
  });

  it('a bridge nobody listens at fails the login saying it cannot be reached', async () => {
    const nowhere = `ws://127.0.0.1:${await freePort()}`;
    const a = createAdapter({ bridge: nowhere, token: bridge.token, WebSocket: WS });
    try {
      const r = await a.loginToTarget({ target: T, portal: target.portal }).wait();
      expect(r.hr).not.toBe(0);
      expect(r.output.error).toMatch(`cannot reach the bridge at ${nowhere}`);
    } finally {
      await a.close();
    }
  });

  it('answers CHAP with the pure hashes', async () => {
    const a = adapter();
    try {
      const out = await a.loginToTarget({ target: T, portal: chapTarget.portal, auth: { method: 'chap', ...CHAP } })
        .result();
      expect(out.result).toBe('ok');
    } finally {
      await a.close();
    }
  });

  it('a wrong token fails the login with the bridge close code, and the target hears nothing', async () => {
    const before = target.received.length;
    const a = createAdapter({ bridge: bridge.url, token: 'not-the-token-at-all', WebSocket: WS });
    try {
      const r = await a.loginToTarget({ target: T, portal: target.portal }).wait();
      expect(r.hr).not.toBe(0);
      expect(JSON.stringify(r.output)).toMatch(/4401 bad-token/);
    } finally {
      await a.close();
    }
    expect(target.received.length).toBe(before);
  });
});
