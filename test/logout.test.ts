// docs/logout.md, docs/handle.md and docs/events.md against the project's own target (faults no real target produces on demand).
import { describe, expect, it } from 'vitest';
import { type Adapter, createAdapter, HR, hrName, IscsiError } from 'iscsi-adapter';
import { type RunningTarget, startTarget, type TargetSpec } from 'iscsi-adapter/target';
import { nodeActiveHandles, until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:disk';

async function setup(spec: Partial<TargetSpec> = {}, sessions = 3, adapterOpts = {}) {
  const handles = nodeActiveHandles();
  const target = await startTarget({ targets: [{ name: T, ...spec }] });
  const adapter = createAdapter(adapterOpts);
  for (let i = 0; i < sessions; i++) {
    const r = await adapter.loginToTarget({ target: T, portal: target.portal }).wait({ timeoutMs: 5000 });
    expect(hrName(r.hr)).toBe('S_OK');
  }
  await until(() => target.sessions() === sessions, 2000, 'target sessions');
  return { target, adapter, handles };
}
async function teardown({ target, adapter, handles }: { target: RunningTarget; adapter: Adapter; handles?: number }) {
  await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
  expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  await target.close();
  if (handles !== undefined) await until(() => nodeActiveHandles()! <= handles, 2000, 'node handles released');
}
/** The types of the adapter's events, as they arrive. */
function eventTypes(a: Adapter): string[] {
  const seen: string[] = [];
  a.on((e) => seen.push(e.type));
  return seen;
}
const logouts = (t: RunningTarget) => t.received.filter((p) => p.opcode === 0x06);
const reasons = (out: { sessions: { reason: string }[] }) => out.sessions.map((s) => s.reason).sort();

describe('LogoutFromTarget against the own target', () => {
  it('S_OK: every session logged out, one Immediate Logout each, exact bytes on the wire', async () => {
    const env = await setup({}, 3);
    const { adapter, target } = env;
    // A grace far past the test's own time limit: only the target's FIN can end it in time.
    const op = adapter.logoutFromTarget(T, { graceMs: 600_000 });
    expect(op.type).toBe(61);
    expect(op.queryStatus()).toEqual({ hr: HR.VDS_E_OPERATION_PENDING, percentCompleted: 0 });
    const { hr, output } = await op.wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(op.queryStatus()).toEqual({ hr: HR.S_OK, percentCompleted: 100 });
    expect(output.sessions).toHaveLength(3);
    for (const s of output.sessions) {
      expect(s).toMatchObject({ hr: 0, hrName: 'S_OK', reason: 'logged-out' });
      expect(s.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.portal).toBe(target.portal);
    }
    const lo = logouts(target);
    expect(lo).toHaveLength(3);
    for (const p of lo) {
      const b = p.bhs, dv = new DataView(b.buffer, b.byteOffset);
      expect(b[0]).toBe(0x46); // Logout | Immediate
      expect(b[1]).toBe(0x80); // F, reason 0
      expect(p.dataLength).toBe(0);
      expect([...b.subarray(2, 16)].every((x) => x === 0)).toBe(true);
      expect(dv.getUint16(20)).toBe(1); // CID
      expect([...b.subarray(22, 24), ...b.subarray(32, 48)].every((x) => x === 0)).toBe(true);
      expect(dv.getUint32(24)).toBe(1); // CmdSN of the login, not advanced
      expect(dv.getUint32(28)).toBe(3); // ExpStatSN: two login responses (StatSN 1, 2) -> 3
    }
    expect(adapter.queryTargets()[0].sessions).toHaveLength(0);
    const again = await adapter.logoutFromTarget(T).wait();
    expect(hrName(again.hr)).toBe('VDS_E_ISCSI_SESSION_NOT_FOUND');
    await until(() => target.sessions() === 0, 2000, 'target closed its sessions');
    await teardown(env);
  });

  it('up-front failures return a finished handle: E_INVALIDARG, VDS_E_OBJECT_NOT_FOUND, VDS_E_ISCSI_SESSION_NOT_FOUND', async () => {
    const env = await setup({}, 0);
    const { adapter } = env;
    for (
      const [target, name] of [
        ['not a target', 'E_INVALIDARG'],
        ['00000000-1111-2222-3333-444444444444', 'VDS_E_OBJECT_NOT_FOUND'],
        ['iqn.2026-11.dev.nowhere:x', 'VDS_E_OBJECT_NOT_FOUND'],
      ] as const
    ) {
      const op = adapter.logoutFromTarget(target);
      expect(hrName(op.queryStatus().hr)).toBe(name);
      expect(op.queryStatus().percentCompleted).toBe(100);
      expect(hrName((await op.wait()).hr)).toBe(name);
      expect(hrName(op.cancel())).toBe('VDS_E_CANCEL_TOO_LATE');
    }
    // Known (learned by a login) but with no session left.
    await adapter.loginToTarget({ target: T, portal: env.target.portal }).wait();
    await adapter.logoutFromTarget(T).wait();
    // Its socket lingers until the target's FIN (docs/logout.md); the checks below count sockets.
    await until(() => adapter.resources().sockets === 0, 5000, "the target's FIN");
    const known = adapter.queryTargets()[0].id;
    expect(hrName((await adapter.logoutFromTarget(known).wait()).hr)).toBe('VDS_E_ISCSI_SESSION_NOT_FOUND');
    expect(() => adapter.logoutFromTarget(42 as unknown as string)).toThrow(TypeError);
    // Options the core cannot honour end up front too: nothing is sent, no timer armed.
    for (
      const opts of [{ logoutTimeoutMs: -5 }, { logoutTimeoutMs: 0 }, { concurrency: 0 }, { deadlineMs: 2 ** 31 }, {
        graceMs: 1.5,
      }]
    ) {
      expect([JSON.stringify(opts), hrName(adapter.logoutFromTarget(known, opts).queryStatus().hr)]).toEqual([
        JSON.stringify(opts),
        'E_INVALIDARG',
      ]);
    }
    const done = adapter.logoutFromTarget(known);
    expect(() => done.wait({ timeoutMs: -1 })).toThrow(TypeError);
    expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    await teardown(env);
  });

  for (
    const [fault, reason, t2w] of [
      ['response-1', 'response-1-cid-not-found', 2],
      ['response-2', 'response-2-recovery-unsupported', 2],
      ['response-3', 'response-3-cleanup-failed', 2],
      ['rst', 'connection-lost-before-response', 0],
      ['fin', 'connection-lost-before-response', 0],
      ['data-segment', 'protocol-error', 0],
    ] as const
  ) {
    it(`${fault}: VDS_E_ISCSI_LOGOUT_FAILED with reason ${reason}, at once, nothing left behind`, async () => {
      const env = await setup({ fault }, 2);
      // A logout timeout far past the test's own limit: the answer itself must end the wait.
      const { hr, output } = await env.adapter.logoutFromTarget(T, { logoutTimeoutMs: 600_000 }).wait();
      expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_FAILED');
      expect(reasons(output)).toEqual([reason, reason]);
      for (const s of output.sessions) {
        expect(s.hrName).toBe('VDS_E_ISCSI_LOGOUT_FAILED');
        expect(s.time2Wait).toBe(t2w);
      }
      expect(env.adapter.queryTargets()[0].sessions).toHaveLength(0);
      await teardown(env);
    });
  }

  it('the Logout goes out Immediate even when the target has closed the command window', async () => {
    const env = await setup({ fault: 'window-closed' }, 2);
    const { hr } = await env.adapter.logoutFromTarget(T).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(logouts(env.target).map((p) => p.bhs[0])).toEqual([0x46, 0x46]);
    await teardown(env);
  });

  it('no response: the per-session timeout ends the wait (reason timeout)', async () => {
    const env = await setup({ fault: 'no-response' }, 2);
    const { hr, output } = await env.adapter.logoutFromTarget(T, { logoutTimeoutMs: 200 }).wait();
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_FAILED');
    expect(reasons(output)).toEqual(['timeout', 'timeout']);
    await teardown(env);
  });

  it('no FIN after the response: the grace runs out and we close ourselves (logged out)', async () => {
    const env = await setup({ fault: 'no-fin' }, 2);
    const { hr, output } = await env.adapter.logoutFromTarget(T, { graceMs: 100 }).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(reasons(output)).toEqual(['logged-out', 'logged-out']);
    await teardown(env);
  });

  for (
    const [fault, what] of [['split', 'a response written one byte at a time'], [
      'late-response',
      'a late response',
    ]] as const
  ) {
    it(`${what} is logged out`, async () => {
      const env = await setup({ fault, faultArg: 150 }, 2);
      const { hr } = await env.adapter.logoutFromTarget(T).wait();
      expect(hrName(hr)).toBe('S_OK');
      await teardown(env);
    });
  }

  it('VDS_E_ISCSI_LOGOUT_INCOMPLETE: some sessions out, one not (two portals, one target)', async () => {
    const good = await startTarget({ targets: [{ name: T }] });
    const bad = await startTarget({ targets: [{ name: T, fault: 'response-3' }] });
    const adapter = createAdapter();
    for (const portal of [good.portal, good.portal, bad.portal]) {
      expect((await adapter.loginToTarget({ target: T, portal }).wait()).hr).toBe(0);
    }
    expect(adapter.queryTargets()).toHaveLength(1);
    const { hr, output } = await adapter.logoutFromTarget(T).wait();
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_INCOMPLETE');
    expect(reasons(output)).toEqual(['logged-out', 'logged-out', 'response-3-cleanup-failed']);
    expect(output.sessions.find((s) => s.reason !== 'logged-out')!.portal).toBe(bad.portal);
    await adapter.close();
    await good.close();
    await bad.close();
  });

  it('sessions are torn down concurrently: all eight Logouts are on the wire before any session ends', async () => {
    const env = await setup({ fault: 'late-response', faultArg: 300 }, 8);
    const op = env.adapter.logoutFromTarget(T);
    await until(() => logouts(env.target).length === 8 || op.done, 10000, 'eight Logouts');
    expect(op.queryStatus()).toEqual({ hr: HR.VDS_E_OPERATION_PENDING, percentCompleted: 0 });
    expect(op.output.sessions).toEqual([]);
    expect(hrName((await op.wait()).hr)).toBe('S_OK');
    await teardown(env);
  });

  // The cap itself is checked step by step, with no sampling, in logout-cap.test.ts.
  it('progress reaches onProgress in order and ends at 100, under a cap of one', async () => {
    const env = await setup({}, 4);
    const seen: number[] = [];
    const op = env.adapter.logoutFromTarget(T, { concurrency: 1 }).onProgress((p) => seen.push(p));
    expect(op.queryStatus()).toEqual({ hr: HR.VDS_E_OPERATION_PENDING, percentCompleted: 0 });
    expect(hrName((await op.wait()).hr)).toBe('S_OK');
    expect(seen).toEqual([25, 50, 75, 100]);
    expect(op.queryStatus()).toEqual({ hr: HR.S_OK, percentCompleted: 100 });
    await teardown(env);
  });

  it('cancel: unsent sessions stay logged in, the sent one finishes, VDS_E_OPERATION_CANCELED', async () => {
    const env = await setup({ fault: 'late-response', faultArg: 200 }, 3);
    const op = env.adapter.logoutFromTarget(T, { concurrency: 1 });
    expect(hrName(op.cancel())).toBe('S_OK');
    expect(hrName(op.cancel())).toBe('VDS_E_OPERATION_CANCELED');
    const { hr, output } = await op.wait();
    expect(hrName(hr)).toBe('VDS_E_OPERATION_CANCELED');
    expect(reasons(output)).toEqual(['cancelled-before-send', 'cancelled-before-send', 'logged-out']);
    expect(hrName(op.cancel())).toBe('VDS_E_OPERATION_CANCELED');
    expect(logouts(env.target)).toHaveLength(1);
    expect(env.adapter.queryTargets()[0].sessions).toHaveLength(2);
    expect(env.target.sessions()).toBe(2);
    expect(hrName((await env.adapter.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    await teardown(env);
  });

  it('cancel when every Logout is on the wire: VDS_E_CANCEL_TOO_LATE, before and after the end', async () => {
    const env = await setup({ fault: 'late-response', faultArg: 50 }, 2);
    const op = env.adapter.logoutFromTarget(T);
    expect(hrName(op.cancel())).toBe('VDS_E_CANCEL_TOO_LATE');
    expect(hrName((await op.wait()).hr)).toBe('S_OK');
    expect(hrName(op.cancel())).toBe('VDS_E_CANCEL_TOO_LATE');
    await teardown(env);
  });

  it('the operation deadline: VDS_E_TIMEOUT, in-flight sessions closed, unsent ones left logged in', async () => {
    const env = await setup({ fault: 'no-response' }, 3);
    const { hr, output } = await env.adapter.logoutFromTarget(T, {
      logoutTimeoutMs: 600_000,
      deadlineMs: 150,
      concurrency: 2,
    }).wait();
    expect(hrName(hr)).toBe('VDS_E_TIMEOUT');
    expect(output.sessions.map((s) => s.hrName)).toEqual(['VDS_E_TIMEOUT', 'VDS_E_TIMEOUT', 'VDS_E_TIMEOUT']);
    expect(logouts(env.target)).toHaveLength(2);
    expect(env.adapter.queryTargets()[0].sessions).toHaveLength(1);
    await teardown(env);
  });

  it('a wait limit returns VDS_E_TIMEOUT while the work goes on; wait twice gives the same answer', async () => {
    const env = await setup({ fault: 'late-response', faultArg: 200 }, 1);
    const op = env.adapter.logoutFromTarget(T);
    expect(hrName((await op.wait({ timeoutMs: 20 })).hr)).toBe('VDS_E_TIMEOUT');
    expect(op.queryStatus().hr).toBe(HR.VDS_E_OPERATION_PENDING);
    const a = await op.wait(), b = await op.wait({ timeoutMs: 1 });
    expect(hrName(a.hr)).toBe('S_OK');
    expect(b).toEqual(a);
    await teardown(env);
  });

  it('a second call for the same target joins the first: one Logout per session on the wire', async () => {
    const env = await setup({ fault: 'late-response', faultArg: 100 }, 3);
    const first = env.adapter.logoutFromTarget(T);
    const second = env.adapter.logoutFromTarget(T);
    const [a, b] = await Promise.all([first.wait(), second.wait()]);
    expect(hrName(a.hr)).toBe('S_OK');
    expect(b.hr).toBe(a.hr);
    expect(b.output.sessions).toHaveLength(3);
    expect(logouts(env.target)).toHaveLength(3);
    await teardown(env);
  });

  it('the promise form resolves on success and rejects with hr, name and sessions; AbortSignal cancels', async () => {
    const env = await setup({}, 1);
    const out = await env.adapter.logoutFromTarget(T).result();
    expect(out.sessions).toHaveLength(1);
    await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).result();
    await teardown(env);

    const bad = await setup({ fault: 'response-2' }, 1);
    const err = await bad.adapter.logoutFromTarget(T).result().catch((e) => e);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.hr).toBe(HR.VDS_E_ISCSI_LOGOUT_FAILED);
    expect(err.hrName).toBe('VDS_E_ISCSI_LOGOUT_FAILED');
    expect(err.sessions[0].reason).toBe('response-2-recovery-unsupported');
    await teardown(bad);

    const slow = await setup({ fault: 'late-response', faultArg: 100 }, 3);
    const ac = new AbortController();
    const p = slow.adapter.logoutFromTarget(T, { concurrency: 1 }).result({ signal: ac.signal }).catch((e) => e);
    ac.abort();
    expect((await p).hrName).toBe('VDS_E_OPERATION_CANCELED');
    await teardown(slow);
  });
});

describe('events the target starts (docs/events.md)', () => {
  it('AsyncEvent 1: the session is logged out at once, and surfaced as an event', async () => {
    const env = await setup({ fault: 'async-logout', faultArg: 3 }, 1);
    const events = eventTypes(env.adapter);
    await until(() => events.includes('session-logged-out'), 3000, 'async logout');
    expect(events[0]).toBe('async-logout-request');
    expect(logouts(env.target)).toHaveLength(1);
    expect(logouts(env.target)[0].bhs[0]).toBe(0x46);
    expect(hrName((await env.adapter.logoutFromTarget(T).wait()).hr)).toBe('VDS_E_ISCSI_SESSION_NOT_FOUND');
    await teardown(env);
  });

  it('AsyncEvent 3: no Logout is sent; the session is gone', async () => {
    const env = await setup({ fault: 'async-drop-all' }, 1, { recovery: false });
    const events = eventTypes(env.adapter);
    await until(() => events.includes('connection-lost'), 3000, 'drop');
    expect(events[0]).toBe('async-drop-all');
    expect(logouts(env.target)).toHaveLength(0);
    expect(env.adapter.queryTargets()[0].sessions).toHaveLength(0);
    await teardown(env);
  });

  it('AsyncEvent 2 for our connection: no Logout, the session is gone', async () => {
    const env = await setup({ fault: 'async-drop-conn' }, 1, { recovery: false });
    const events = eventTypes(env.adapter);
    await until(() => events.includes('connection-lost'), 3000, 'drop');
    expect(events[0]).toBe('async-drop-connection');
    expect(logouts(env.target)).toHaveLength(0);
    await teardown(env);
  });

  it('AsyncEvent 4 (renegotiation): the default policy logs out', async () => {
    const env = await setup({ fault: 'async-renegotiate' }, 1);
    const events = eventTypes(env.adapter);
    await until(() => events.includes('session-logged-out'), 3000, 'logout after AsyncEvent 4');
    expect(events[0]).toBe('async-renegotiate');
    expect(logouts(env.target)).toHaveLength(1);
    await teardown(env);
  });

  it('a NOP-In ping after our Logout is not answered', async () => {
    const env = await setup({ fault: 'nop-during-logout' }, 1);
    const { hr } = await env.adapter.logoutFromTarget(T).wait();
    expect(hrName(hr)).toBe('S_OK');
    const ops = env.target.received.map((p) => p.opcode);
    expect(ops.slice(ops.indexOf(0x06))).toEqual([0x06]);
    await teardown(env);
  });

  it('Reject 0x0C (waiting for logout) starts the logout', async () => {
    const env = await setup({ fault: 'reject-waiting' }, 1);
    await until(() => logouts(env.target).length === 1, 3000, 'logout after reject');
    await until(() => env.adapter.queryTargets()[0].sessions.length === 0, 3000, 'session gone');
    await teardown(env);
  });

  it('NOP-In with a TTT is answered by a NOP-Out (Immediate, ITT reserved, TTT echoed)', async () => {
    const env = await setup({ fault: 'nop-ping' }, 1);
    await until(() => env.target.received.some((p) => p.opcode === 0x00), 3000, 'NOP-Out');
    const nop = env.target.received.find((p) => p.opcode === 0x00)!.bhs;
    const dv = new DataView(nop.buffer, nop.byteOffset);
    expect(nop[0]).toBe(0x40);
    expect(dv.getUint32(16)).toBe(0xffffffff);
    expect(dv.getUint32(20)).toBe(0x1234);
    await teardown(env);
  });

  it('1 MiB of NOP-In pings in one write: each answered once, in order, and the session still logs out', async () => {
    const env = await setup({ fault: 'ping-flood', faultArg: 1 << 20 }, 1);
    const pings = Math.floor((1 << 20) / 48);
    const answers = () => env.target.received.filter((p) => p.opcode === 0x00);
    await until(() => answers().length >= pings, 20000, 'every ping answered', 20);
    const ttts = answers().map((p) => new DataView(p.bhs.buffer, p.bhs.byteOffset).getUint32(20));
    expect(ttts).toHaveLength(pings);
    expect(ttts.every((t, i) => t === 0x10000 + i)).toBe(true);
    const { hr, output } = await env.adapter.logoutFromTarget(T).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions.map((s) => s.reason)).toEqual(['logged-out']);
    await teardown(env);
  }, 30000);
});

describe('NOP-Out keepalive', () => {
  it('pings on the interval and stays up while answered; a silent target drops the session', async () => {
    const env = await setup({}, 0, { recovery: false });
    const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal, keepaliveMs: 40 }).wait();
    expect(hrName(r.hr)).toBe('S_OK');
    await until(() => env.target.received.filter((p) => p.opcode === 0x00).length >= 3, 3000, 'three pings');
    expect(env.adapter.queryTargets()[0].sessions).toHaveLength(1);
    expect(hrName((await env.adapter.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    await teardown(env);

    const quiet = await setup({ fault: 'nop-silent' }, 0, { recovery: false });
    const events = eventTypes(quiet.adapter);
    await quiet.adapter.loginToTarget({ target: T, portal: quiet.target.portal, keepaliveMs: 40 }).wait();
    await until(() => events.includes('keepalive-timeout'), 3000, 'keepalive timeout');
    expect(quiet.adapter.queryTargets()[0].sessions).toHaveLength(0);
    await teardown(quiet);
  });
});

describe('user callbacks', () => {
  it('a listener or progress callback that throws does not stop the operation or leak; the error is reported', async () => {
    const errors: unknown[] = [];
    const env = await setup({ fault: 'async-logout', faultArg: 3 }, 2, {
      onCallbackError: (e: unknown) => errors.push(e),
    });
    env.adapter.on(() => {
      throw new Error('listener bug');
    });
    await until(() => env.adapter.queryTargets()[0].sessions.length === 0, 3000, 'async logouts done');
    const op = env.adapter.logoutFromTarget(T).onProgress(() => {
      throw new Error('progress bug');
    });
    expect(hrName((await op.wait()).hr)).toBe('VDS_E_ISCSI_SESSION_NOT_FOUND');
    expect(errors.length).toBeGreaterThanOrEqual(3); // two sessions' events, then the progress callback
    expect(errors.every((e) => e instanceof Error && /bug/.test(e.message))).toBe(true);
    await teardown(env);
  });
});
