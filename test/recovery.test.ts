// Session recovery (docs/io.md, "Recovery") through the public API, against the built-in target:
// a session whose connection fails outside a logout logs in again (same ISID, TSIH 0), sends
// again what the target had not answered, makes commands issued meanwhile wait, and is given up
// after its attempts. The target's recovery faults (target/faults.ts) play once per target, so
// the re-login finds it well.
import { describe, expect, it } from 'vitest';
import {
  type Adapter,
  type AdapterEvent,
  type AdapterOptions,
  createAdapter,
  hrName,
  IscsiError,
  type Session,
} from 'iscsi-adapter';
import { type ReceivedPdu, type RunningTarget, startTarget, type TargetSpec } from 'iscsi-adapter/target';
import { until } from './helpers/env.ts';
import { startDropProxy } from './helpers/drop-proxy.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:recovery';
// Small delays so a recovery takes milliseconds; replacement time far beyond any test.
const FAST: AdapterOptions = {
  recovery: true,
  replacementTimeoutMs: 30000,
  reconnect: { minDelayMs: 20, maxDelayMs: 40 },
};

interface Env {
  target: RunningTarget;
  adapter: Adapter;
  events: AdapterEvent[];
  disk: Session;
  sessionId: string;
  tsih: number;
  portal: string;
}
async function start(spec: Partial<TargetSpec>, opts: AdapterOptions = FAST, login: object = {}): Promise<Env> {
  const target = await startTarget({ targets: [{ name: T, ...spec }] });
  const adapter = createAdapter(opts);
  const events: AdapterEvent[] = [];
  adapter.on((e) => events.push(e));
  const out = await adapter.loginToTarget({ target: T, portal: target.portal, ...login }).result();
  expect(out.result).toBe('ok');
  return {
    target,
    adapter,
    events,
    disk: adapter.session(out.sessionId!)!,
    sessionId: out.sessionId!,
    tsih: out.tsih!,
    portal: out.portal,
  };
}
async function done(env: Env) {
  await env.adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
  expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  await env.target.close();
}
/** The events of the test's session, without the ids every one carries. */
const seen = (env: Env) =>
  env.events.map((e) => {
    expect(e.sessionId).toBe(env.sessionId);
    const { sessionId: _s, targetId: _t, ...rest } = e;
    return rest;
  });
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const hexOf = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
/** The first Login Request of each login (CSG 0, no TSIH-carrying continuation): ISID and TSIH. */
const logins = (received: ReceivedPdu[]) =>
  received.filter((p) => p.opcode === 0x03 && ((p.bhs[1] >> 2) & 3) === 0 && p.bhs[0] & 0x40).map((p) => ({
    isid: hexOf(p.bhs.subarray(8, 14)),
    tsih: (p.bhs[14] << 8) | p.bhs[15],
  }));
/** SCSI commands the target received with this CDB opcode. */
const commands = (received: ReceivedPdu[], cdbOp: number) =>
  received.filter((p) => p.opcode === 0x01 && p.bhs[32] === cdbOp).length;

/** The adapter closed with nothing left behind, then the servers it talked to. */
async function closeAll(adapter: Adapter, ...servers: { close(): Promise<void> }[]) {
  await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
  expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  for (const x of servers) await x.close();
}

describe('session recovery', () => {
  it('drop-mid-read: the connection fails in the middle of a read; the session logs in again and the read is replayed', async () => {
    const env = await start({ fault: 'drop-mid-read' });
    const state = env.adapter.queryTargets()[0].sessions[0].state;
    const data = pattern(64 << 10, 3);
    await env.disk.write(0, 40, data);
    const back = await env.disk.read(0, 40, data.length / 512);
    expect(same(back, data)).toBe(true);
    expect(seen(env)).toEqual([
      { type: 'session-recovering', cause: 'transport' },
      { type: 'session-recovered', attempts: 1, portal: env.target.portal, tsih: env.tsih + 1 },
    ]);
    expect(env.portal).toBe(env.target.portal);
    const [first, again, ...more] = logins(env.target.received);
    expect(more).toEqual([]);
    expect(first.tsih).toBe(0);
    expect(again).toEqual({ isid: first.isid, tsih: 0 });
    expect(commands(env.target.received, 0x28)).toBe(2);
    expect(commands(env.target.received, 0x2a)).toBe(1);
    expect(env.adapter.queryTargets()[0].sessions).toEqual([
      { id: env.sessionId, tsih: env.tsih + 1, portal: env.target.portal, state },
    ]);
    await done(env);
  });

  it('drop-mid-write: the connection fails with half a write taken; the write is replayed and reads back byte for byte', async () => {
    const env = await start({ fault: 'drop-mid-write' });
    const data = pattern(256 << 10, 11);
    await env.disk.write(0, 300, data);
    expect(seen(env)).toEqual([
      { type: 'session-recovering', cause: 'transport' },
      { type: 'session-recovered', attempts: 1, portal: env.target.portal, tsih: env.tsih + 1 },
    ]);
    const back = await env.disk.read(0, 300, data.length / 512);
    expect(same(back, data)).toBe(true);
    const [first, again, ...more] = logins(env.target.received);
    expect(more).toEqual([]);
    expect(again).toEqual({ isid: first.isid, tsih: 0 });
    expect(commands(env.target.received, 0x2a)).toBe(2);
    expect(commands(env.target.received, 0x28)).toBe(1);
    await done(env);
  });

  it('a command issued while the session recovers waits for it and completes after; refused re-logins count as attempts', async () => {
    const env = await start({ fault: 'refuse-relogin', faultArg: 2 }, {
      ...FAST,
      reconnect: { minDelayMs: 40, maxDelayMs: 80 },
    });
    const data = pattern(16 << 10, 5);
    await env.disk.write(0, 8, data);
    const first = env.disk.read(0, 8, data.length / 512); // the target drops the connection in its middle
    await until(() => env.events.some((e) => e.type === 'session-recovering'), 5000, 'recovery to start');
    expect(env.events.some((e) => e.type === 'session-recovered')).toBe(false);
    const during = env.disk.read(0, 8, data.length / 512);
    const [a, b] = await Promise.all([first, during]);
    expect(same(a, data)).toBe(true);
    expect(same(b, data)).toBe(true);
    expect(seen(env)).toEqual([
      { type: 'session-recovering', cause: 'transport' },
      { type: 'session-recovered', attempts: 3, portal: env.target.portal, tsih: env.tsih + 1 },
    ]);
    const all = logins(env.target.received);
    expect(all).toEqual(Array(4).fill({ isid: all[0].isid, tsih: 0 })); // the login, two refused, the one taken
    expect(commands(env.target.received, 0x28)).toBe(3); // the first read twice, the one issued during recovery once
    await done(env);
  });

  it('gives up after maxAttempts when nothing listens: the read in flight fails session-lost once', async () => {
    const env = await start({ fault: 'stall' }, { ...FAST, reconnect: { ...FAST.reconnect, maxAttempts: 2 } });
    let ends = 0;
    const read = env.disk.read(0, 0, 1).then(
      () => ++ends && undefined,
      (e) => {
        ends++;
        return e;
      },
    );
    // The read asks the capacity first (for the block size), which the target never answers.
    await until(() => env.target.received.some((p) => p.opcode === 0x01), 5000, 'the read at the target');
    await env.target.close();
    // Awaited alone: with the target closed no socket keeps the runtime alive while the session
    // tries to come back; the replacement timer does (it holds the process, docs/io.md).
    const err = await read;
    expect(err).toBeInstanceOf(IscsiError);
    expect((err as IscsiError).reason).toBe('session-lost');
    expect(seen(env)).toEqual([
      { type: 'session-recovering', cause: 'transport' },
      { type: 'session-lost', attempts: 2 },
    ]);
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    expect(env.adapter.session(env.sessionId)).toBeUndefined();
    expect(ends).toBe(1);
    await env.adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
    expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    expect(ends).toBe(1);
  });

  it('a raw scsi() in flight without replay ends not-replayed; a read in flight beside it is replayed', async () => {
    // Recovery asked for by the login, not the adapter.
    const env = await start({ fault: 'drop-mid-read' }, {}, FAST);
    const data = pattern(8 << 10, 9);
    await env.disk.write(0, 500, data);
    // READ (10) of 16 blocks at LBA 500: the target's first READ, dropped in its middle.
    const cdb = Uint8Array.of(0x28, 0, 0, 0, 0x01, 0xf4, 0, 0, 16, 0);
    const raw = env.disk.scsi(0, cdb, { dataIn: data.length }).catch((e) => e);
    const read = env.disk.read(0, 500, data.length / 512);
    const err = await raw;
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('not-replayed');
    expect(same(await read, data)).toBe(true);
    expect(seen(env)).toEqual([
      { type: 'session-recovering', cause: 'transport' },
      { type: 'session-recovered', attempts: 1, portal: env.target.portal, tsih: env.tsih + 1 },
    ]);
    await done(env);
  });

  it('with recovery: false a dropped connection ends the session: connection-lost, session-lost', async () => {
    const env = await start({ fault: 'drop-mid-read' }, { recovery: false });
    const err = await env.disk.read(0, 0, 16).catch((e) => e);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('session-lost');
    expect(seen(env)).toEqual([{ type: 'connection-lost' }]);
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    expect(logins(env.target.received)).toHaveLength(1);
    await done(env);
  });

  it("queryTargets shows the session 'recovering' while it recovers, then back with its new TSIH", async () => {
    const env = await start({ fault: 'refuse-relogin', faultArg: 1 }, {
      ...FAST,
      reconnect: { minDelayMs: 100, maxDelayMs: 200 },
    });
    const states: string[] = [];
    env.adapter.on((e) => {
      if (e.type === 'session-recovering' || e.type === 'session-recovered') {
        states.push(env.adapter.queryTargets()[0].sessions.map((s) => `${s.state} ${s.tsih}`).join());
      }
    });
    const before = env.adapter.queryTargets()[0].sessions[0].state;
    const read = env.disk.read(0, 0, 16);
    await until(() => states.length === 1, 5000, 'recovery to start');
    expect(env.adapter.queryTargets()[0].sessions).toEqual([
      { id: env.sessionId, portal: env.target.portal, tsih: env.tsih, state: 'recovering' },
    ]);
    expect((await read).length).toBe(16 * 512);
    expect(states).toEqual([`recovering ${env.tsih}`, `${before} ${env.tsih + 1}`]);
    expect(env.adapter.queryTargets()[0].sessions).toEqual([
      { id: env.sessionId, portal: env.target.portal, tsih: env.tsih + 1, state: before },
    ]);
    expect(seen(env).at(-1)).toEqual({
      type: 'session-recovered',
      attempts: 2,
      portal: env.target.portal,
      tsih: env.tsih + 1,
    });
    await done(env);
  });

  it('a LogoutFromTarget meets a recovering session: recovery stops, the session ends lost before the response, its read aborted-by-logout', async () => {
    const env = await start({ fault: 'refuse-relogin', faultArg: 1000 }, {
      ...FAST,
      reconnect: { minDelayMs: 50, maxDelayMs: 100 },
    });
    const read = env.disk.read(0, 0, 16).catch((e) => e);
    await until(() => env.events.some((e) => e.type === 'session-recovering'), 5000, 'recovery to start');
    const { hr, output } = await env.adapter.logoutFromTarget(T).wait();
    const err = await read;
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('aborted-by-logout');
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_FAILED');
    expect(output.sessions).toEqual([expect.objectContaining({
      sessionId: env.sessionId,
      reason: 'connection-lost-before-response',
      hrName: 'VDS_E_ISCSI_LOGOUT_FAILED',
      commandsAborted: 1,
    })]);
    expect(seen(env)).toEqual([{ type: 'session-recovering', cause: 'transport' }]);
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    expect(env.target.received.filter((p) => p.opcode === 0x06)).toEqual([]); // no connection to send a Logout on
    await done(env);
  });
});

describe('a logout that drains meets a connection failure', () => {
  it('the session recovers, its commands go again and complete, then it logs out: S_OK, drained as themselves', async () => {
    const env = await start({ fault: 'drop-mid-read' });
    await env.disk.readCapacity();
    const reads = Promise.allSettled(Array.from({ length: 4 }, (_, i) => env.disk.read(0, i * 8, 8)));
    const { hr, output } = await env.adapter.logoutFromTarget(T).wait(); // inflight: 'drain', the default
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions).toEqual([expect.objectContaining({
      reason: 'logged-out',
      commandsDrained: 4,
      commandsAborted: 0,
    })]);
    expect((await reads).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(seen(env).map((e) => e.type)).toEqual(['session-recovering', 'session-recovered']);
    expect(env.target.received.filter((p) => p.opcode === 0x06)).toHaveLength(1); // one Logout, on the new connection
    await done(env);
  });

  it('a recovery that outlasts the drain deadline: the session ends lost before the response, its reads aborted', async () => {
    const env = await start({ fault: 'refuse-relogin', faultArg: 1000 }, {
      ...FAST,
      reconnect: { minDelayMs: 50, maxDelayMs: 100 },
    });
    await env.disk.readCapacity();
    const reads = Promise.allSettled(Array.from({ length: 2 }, (_, i) => env.disk.read(0, i * 8, 8)));
    const op = env.adapter.logoutFromTarget(T, { drainTimeoutMs: 400 });
    await until(() => env.events.some((e) => e.type === 'session-recovering'), 5000, 'recovery to start');
    const { hr, output } = await op.wait();
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_FAILED');
    expect(output.sessions).toEqual([expect.objectContaining({
      reason: 'connection-lost-before-response',
      commandsDrained: 0,
      commandsAborted: 2,
    })]);
    const ends = (await reads).map((r) => (r as PromiseRejectedResult).reason?.reason);
    expect(ends).toEqual(['aborted-by-logout', 'aborted-by-logout']);
    expect(seen(env)).toEqual([{ type: 'session-recovering', cause: 'transport' }]);
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    await done(env);
  });
});

describe('recovery at another portal', () => {
  it('when the login portal is gone, the session comes back at another portal discovery reported', async () => {
    // Two built-in targets serve the same target name: A, where the session logs in, and B, which
    // discovery reports. A goes away; the first attempt (at A) fails, the second (at B) succeeds.
    const a = await startTarget({ targets: [{ name: T }] });
    const b = await startTarget({ targets: [{ name: T }] });
    const adapter = createAdapter(FAST);
    const events: AdapterEvent[] = [];
    adapter.on((e) => events.push(e));
    try {
      const found = await adapter.discover(b.portal).result();
      expect(found.targets.map((t) => t.portals)).toEqual([[b.portal]]);
      const out = await adapter.loginToTarget({ target: T, portal: a.portal }).result();
      const disk = adapter.session(out.sessionId!)!;
      await disk.testUnitReady();
      await a.close();
      await until(() => events.some((e) => e.type === 'session-recovered'), 5000, 'the session to come back');
      const mine = events.filter((e) => e.sessionId === out.sessionId).map(({ sessionId: _, targetId: __, ...e }) => e);
      expect(mine).toEqual([
        { type: 'session-recovering', cause: 'transport' },
        { type: 'session-recovered', attempts: 2, tsih: 2, portal: b.portal }, // B gave TSIH 1 to discovery
      ]);
      expect(adapter.queryTargets()[0].sessions.map((s) => s.portal)).toEqual([b.portal]);
      await disk.testUnitReady(); // at B now
      expect(b.received.filter((p) => p.opcode === 0x01)).toHaveLength(1);
      const { hr } = await adapter.logoutFromTarget(T).wait();
      expect(hrName(hr)).toBe('S_OK');
    } finally {
      await closeAll(adapter, a, b);
    }
  });
});

describe('recovery meets a redirect', () => {
  it('a re-login answered with a redirect follows it', async () => {
    // A drops the first read in its middle and answers the re-login (an ISID it has seen) with
    // 0x0101 and TargetAddress = B, a second built-in target serving the same name.
    const b = await startTarget({ targets: [{ name: T }] });
    const a = await startTarget({ targets: [{ name: T, fault: 'redirect-relogin', redirectTo: b.portal }] });
    const adapter = createAdapter(FAST);
    const events: AdapterEvent[] = [];
    adapter.on((e) => events.push(e));
    try {
      const data = pattern(64 << 10, 21);
      // Both LUNs hold the pattern, each written through its own session (B's logged out again).
      const atB = await adapter.loginToTarget({ target: T, portal: b.portal }).result();
      expect(atB.result).toBe('ok');
      await adapter.session(atB.sessionId!)!.write(0, 64, data);
      expect(hrName((await adapter.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
      const out = await adapter.loginToTarget({ target: T, portal: a.portal }).result();
      expect(out.result).toBe('ok');
      expect(out.portal).toBe(a.portal);
      const disk = adapter.session(out.sessionId!)!;
      await disk.write(0, 64, data);
      const back = await disk.read(0, 64, data.length / 512); // A drops it after half its data
      expect(same(back, data)).toBe(true);
      const mine = events.filter((e) => e.sessionId === out.sessionId).map(({ sessionId: _, targetId: __, ...e }) => e);
      expect(mine).toEqual([
        { type: 'session-recovering', cause: 'transport' },
        { type: 'session-recovered', attempts: 1, tsih: 2, portal: b.portal }, // B gave TSIH 1 to the first session
      ]);
      expect(adapter.queryTargets()[0].sessions.map((s) => s.portal)).toEqual([b.portal]);
      // A saw the login and the re-login it redirected; B the re-login that took, and the read again.
      const atA = logins(a.received);
      expect(atA).toEqual([{ isid: atA[0].isid, tsih: 0 }, { isid: atA[0].isid, tsih: 0 }]);
      expect(logins(b.received).slice(1)).toEqual([{ isid: atA[0].isid, tsih: 0 }]);
      expect(commands(a.received, 0x28)).toBe(1);
      expect(commands(b.received, 0x28)).toBe(1);
      expect(b.sessions()).toBe(1);
      expect(a.sessions()).toBe(0);
      await disk.testUnitReady(); // at B now
      expect(commands(b.received, 0x00)).toBe(1);
      expect(hrName((await adapter.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    } finally {
      await closeAll(adapter, a, b);
    }
  });
});

describe('recovery meets a permanent redirect', () => {
  it('0x0102 at a re-login: the next recovery goes to the new address first', async () => {
    // A drops the first read and answers the re-login with 0x0102 to B; B drops its first read
    // too, so the session recovers a second time: at B (moved permanently), not back at A.
    const b = await startTarget({ targets: [{ name: T, fault: 'drop-mid-read' }] });
    const a = await startTarget({
      targets: [{ name: T, fault: 'redirect-relogin', redirectTo: b.portal, redirectStatus: 0x0102 }],
    });
    const adapter = createAdapter(FAST);
    const events: AdapterEvent[] = [];
    adapter.on((e) => events.push(e));
    try {
      const out = await adapter.loginToTarget({ target: T, portal: a.portal }).result();
      const disk = adapter.session(out.sessionId!)!;
      await disk.read(0, 0, 128); // dropped at A, then again at B
      const recovered = events.filter((e) => e.type === 'session-recovered');
      expect(recovered.map((e) => (e as { portal: string }).portal)).toEqual([b.portal, b.portal]);
      expect(logins(a.received)).toHaveLength(2); // the login, and the re-login it redirected
      expect(logins(b.received)).toHaveLength(2); // both reinstatements
      expect(hrName((await adapter.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    } finally {
      await closeAll(adapter, a, b);
    }
  });
});

describe('recovery through a proxy', () => {
  it('a proxy that drops connections', async () => {
    // The adapter logs in through a TCP proxy to a well-behaved target; the proxy drops every
    // connection twice while a read loop runs, each time once the target has a read of the loop.
    const target = await startTarget({ targets: [{ name: T }] });
    const proxy = await startDropProxy(target.host, target.port);
    const adapter = createAdapter(FAST);
    const events: AdapterEvent[] = [];
    adapter.on((e) => events.push(e));
    try {
      const out = await adapter.loginToTarget({ target: T, portal: proxy.portal }).result();
      expect(out.result).toBe('ok');
      const disk = adapter.session(out.sessionId!)!;
      const blocks = 16, reads = 30, dropAt = [10, 20];
      const data = pattern(reads * blocks * 512, 17);
      await disk.write(0, 1000, data);
      for (let i = 0; i < reads; i++) {
        const read = disk.read(0, 1000 + i * blocks, blocks);
        if (dropAt.includes(i)) {
          await until(() => commands(target.received, 0x28) === i + 1, 5000, `read ${i} at the target`);
          proxy.drop();
        }
        const back = await read;
        const want = data.subarray(i * blocks * 512, (i + 1) * blocks * 512);
        expect({ read: i, same: same(back, want) }).toEqual({ read: i, same: true }); // names the read that differs
      }
      const mine = events.filter((e) => e.sessionId === out.sessionId).map(({ sessionId: _, targetId: __, ...e }) => e);
      expect(mine).toEqual([
        { type: 'session-recovering', cause: 'transport' },
        { type: 'session-recovered', attempts: 1, tsih: out.tsih! + 1, portal: proxy.portal },
        { type: 'session-recovering', cause: 'transport' },
        { type: 'session-recovered', attempts: 1, tsih: out.tsih! + 2, portal: proxy.portal },
      ]);
      expect(proxy.accepted()).toBe(3);
      const all = logins(target.received);
      expect(all).toEqual(Array(3).fill({ isid: all[0].isid, tsih: 0 })); // the login and two re-logins
      // Every read reached the target; one the drop caught before its answer was through went
      // again once the session was back (the target answers at once, so the answer may be ahead).
      const sent = commands(target.received, 0x28);
      expect(sent).toBeGreaterThanOrEqual(reads);
      expect(sent).toBeLessThanOrEqual(reads + dropAt.length);
      expect(adapter.queryTargets()[0].sessions.map((s) => [s.portal, s.tsih])).toEqual([[
        proxy.portal,
        out.tsih! + 2,
      ]]);
      expect(hrName((await adapter.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    } finally {
      await closeAll(adapter, proxy, target);
    }
  });
});
