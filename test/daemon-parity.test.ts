// One suite, two drivers: the in-process adapter and connectDaemon()'s client give the same
// HRESULTs, outputs and handle answers for the same calls (docs/daemon.md, "The library client").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdapterEvent, connectDaemon, createAdapter, hrName } from 'iscsi-adapter';
import { until } from './helpers/env.ts';
import { type RunningTarget, startTarget } from 'iscsi-adapter/target';
import { bundle, type RunningDaemon, startAdapterDaemon } from './peers/adapter-daemon.ts';

const T = 'iqn.2026-11.dev.daemon:parity';
const ASKS = 'iqn.2026-11.dev.daemon:asks-logout';
type Driver = Awaited<ReturnType<typeof connectDaemon>> | ReturnType<typeof createAdapter>;

let daemon: RunningDaemon;
const DRIVERS: [string, () => Promise<Driver>][] = [
  ['in process', () => Promise.resolve(createAdapter())],
  ['through the daemon', () => connectDaemon({ socket: daemon.socket })],
];

describe('the adapter and its daemon client, the same suite', () => {
  let target: RunningTarget;
  beforeAll(async () => {
    bundle();
    daemon = await startAdapterDaemon();
    target = await startTarget({ targets: [{ name: T }, { name: ASKS, fault: 'async-logout', faultArg: 0 }] });
  }, 60000);
  afterAll(async () => {
    await daemon?.stop();
    daemon?.dispose();
    await target?.close();
  });

  for (const [name, open] of DRIVERS) {
    it(`${name}: login, sessions, LogoutFromTarget S_OK with the handle's answers, then SESSION_NOT_FOUND`, async () => {
      const d = await open();
      try {
        const login = await d.loginToTarget({ target: T, portal: target.portal }).wait({ timeoutMs: 10000 });
        expect(hrName(login.hr)).toBe('S_OK');
        expect(login.output).toMatchObject({ targetName: T, result: 'ok', tsih: expect.any(Number) });
        const sessions = await d.sessions();
        expect(sessions).toEqual([{
          id: login.output.sessionId,
          targetId: login.output.targetId,
          target: T,
          portal: target.portal,
          tsih: login.output.tsih,
          state: 'logged-in',
          inflight: 0,
        }]);
        const op = d.logoutFromTarget(T);
        expect(hrName(op.queryStatus().hr)).toBe('VDS_E_OPERATION_PENDING');
        const { hr, output } = await op.wait({ timeoutMs: 10000 });
        expect(hrName(hr)).toBe('S_OK');
        expect(output.sessions.map((s) => [s.sessionId, s.reason])).toEqual([[login.output.sessionId, 'logged-out']]);
        expect(op.queryStatus()).toEqual({ hr: 0, percentCompleted: 100 });
        expect(hrName(await op.cancel())).toBe('VDS_E_CANCEL_TOO_LATE');
        expect(await d.sessions()).toEqual([]);
        expect(hrName((await d.logoutFromTarget(T).wait()).hr)).toBe('VDS_E_ISCSI_SESSION_NOT_FOUND');
      } finally {
        await d.close();
      }
    });

    it(`${name}: an unusable argument ends the handle E_INVALIDARG; a wrong type throws TypeError at once`, async () => {
      const d = await open();
      try {
        const bad = await d.loginToTarget({ target: 'not an iqn', portal: target.portal }).wait();
        expect([hrName(bad.hr), bad.output.result]).toEqual(['E_INVALIDARG', 'invalid-argument']);
        expect(() => d.loginToTarget({ target: T, portal: 3260 as unknown as string })).toThrow(TypeError);
        expect(() => d.logoutFromTarget(7 as unknown as string)).toThrow(TypeError);
        await expect(d.logoutFromTarget('iqn.2026-11.dev.daemon:never-seen').result()).rejects.toMatchObject({
          name: 'IscsiError',
          hrName: 'VDS_E_OBJECT_NOT_FOUND',
        });
      } finally {
        await d.close();
      }
    });

    it(`${name}: once closed, on() and once() throw rather than take a listener no event will reach`, async () => {
      const d = await open();
      await d.close();
      expect(() => d.on(() => {})).toThrow(/on\(\): .* closed, so no event will come/);
      expect(() => d.once('session-lost', () => {})).toThrow(/once\(\): .* closed, so no event will come/);
    });

    it(`${name}: on() hears the adapter's events: a logout the target asked for, for that session`, async () => {
      const d = await open();
      const seen: AdapterEvent[] = [];
      try {
        d.on((e) => seen.push(e));
        await (d as { subscribed?: Promise<void> }).subscribed;
        const login = await d.loginToTarget({ target: ASKS, portal: target.portal }).wait({ timeoutMs: 10000 });
        expect(hrName(login.hr)).toBe('S_OK');
        await until(() => seen.some((e) => e.type === 'session-logged-out'), 10000, 'the session to log out');
        const mine = seen.filter((e) => e.sessionId === login.output.sessionId);
        expect(mine.map((e) => e.type)).toEqual(['async-logout-request', 'session-logged-out']);
        expect(mine[0]).toMatchObject({ withinSeconds: 0, targetId: login.output.targetId });
        expect(mine[1]).toMatchObject({ reason: 'logged-out' });
      } finally {
        await d.close();
      }
    });
  }
});
