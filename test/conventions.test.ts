// What a JavaScript caller expects of the adapter (README): `await using` closes it, on/off/once
// as EventEmitter has them, and an AbortSignal's own reason kept on the error it causes.
import { describe, expect, it } from 'vitest';
import { type Adapter, type AdapterEvent, createAdapter, IscsiError } from 'iscsi-adapter';
import { type RunningTarget, startTarget } from 'iscsi-adapter/target';
import { until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:conventions';
const LOGOUT = 0x06, SCSI_COMMAND = 0x01;

async function finish(a: Adapter, target: RunningTarget) {
  await a.close({ logoutTimeoutMs: 2000, graceMs: 50 });
  expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  await target.close();
}

describe('await using', () => {
  it('closes the adapter at the end of the block: its session logged out, nothing left open', async () => {
    const target = await startTarget({ targets: [{ name: T }] });
    let kept: Adapter;
    {
      await using adapter = createAdapter();
      kept = adapter;
      await adapter.loginToTarget({ target: T, portal: target.portal }).result();
      expect(target.received.filter((p) => p.opcode === LOGOUT)).toHaveLength(0);
    }
    expect(target.received.filter((p) => p.opcode === LOGOUT)).toHaveLength(1);
    expect(kept.resources()).toEqual({ sockets: 0, timers: 0 });
    expect((await kept.loginToTarget({ target: T, portal: target.portal }).wait()).output.result).toBe(
      'adapter-closed',
    );
    await target.close();
  });

  it('disposing twice, or after close(), is harmless', async () => {
    const target = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    await a.loginToTarget({ target: T, portal: target.portal }).result();
    await Promise.all([a[Symbol.asyncDispose](), a[Symbol.asyncDispose]()]);
    await a.close();
    await a[Symbol.asyncDispose]();
    expect(target.received.filter((p) => p.opcode === LOGOUT)).toHaveLength(1);
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
    await target.close();
  });
});

/** Two sessions the target asks to leave (AsyncEvent 1): each brings async-logout-request, then
 *  session-logged-out. `listen` registers before the logins; resolves once both are gone. */
async function twoSessionsAskedToLeave(listen: (a: Adapter) => void, onCallbackError?: (e: unknown) => void) {
  const target = await startTarget({ targets: [{ name: T, fault: 'async-logout', faultArg: 0 }] });
  const a = createAdapter({ recovery: false, onCallbackError });
  listen(a);
  for (let i = 0; i < 2; i++) await a.loginToTarget({ target: T, portal: target.portal }).result();
  await until(() => a.queryTargets()[0].sessions.length === 0, 5000, 'both sessions logged out');
  await finish(a, target);
}

describe('on / off / once', () => {
  it('on(type, listener) hears only that type, narrowed to its fields', async () => {
    const reasons: string[] = [];
    await twoSessionsAskedToLeave((a) => a.on('session-logged-out', (e) => reasons.push(e.reason)));
    expect(reasons).toEqual(['logged-out', 'logged-out']);
  });

  it('on(listener) hears every event, in order', async () => {
    const types: string[] = [];
    await twoSessionsAskedToLeave((a) => a.on((e) => types.push(e.type)));
    expect(types.filter((t) => t === 'async-logout-request')).toHaveLength(2);
    expect(types.filter((t) => t === 'session-logged-out')).toHaveLength(2);
    expect(types.indexOf('async-logout-request')).toBeLessThan(types.indexOf('session-logged-out'));
  });

  it('off() removes one registration of a listener registered twice', async () => {
    let calls = 0;
    const count = () => void calls++;
    await twoSessionsAskedToLeave((a) => {
      a.on('session-logged-out', count);
      a.on('session-logged-out', count);
      expect(a.off('session-logged-out', count)).toBe(a);
    });
    expect(calls).toBe(2);
  });

  it('off() without a type removes what on() without one added, and nothing typed', async () => {
    const seen: string[] = [];
    const record = (e: AdapterEvent) => void seen.push(e.type);
    await twoSessionsAskedToLeave((a) => {
      a.on(record);
      a.on('session-logged-out', record);
      a.off(record);
    });
    expect(seen).toEqual(['session-logged-out', 'session-logged-out']);
  });

  it('the function on() returns removes that registration', async () => {
    let calls = 0;
    await twoSessionsAskedToLeave((a) => {
      const stop = a.on(() => void calls++);
      stop();
      stop();
    });
    expect(calls).toBe(0);
  });

  it('once() fires at most once', async () => {
    const sessions: (string | undefined)[] = [];
    await twoSessionsAskedToLeave((a) => a.once('session-logged-out', (e) => void sessions.push(e.sessionId)));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('once() removed with off() before it fires never fires', async () => {
    let calls = 0;
    const count = () => void calls++;
    await twoSessionsAskedToLeave((a) => {
      a.once('async-logout-request', count);
      a.off('async-logout-request', count);
    });
    expect(calls).toBe(0);
  });

  it('a listener that throws stops no other listener; its error goes to onCallbackError', async () => {
    const errors: unknown[] = [];
    const after: string[] = [];
    await twoSessionsAskedToLeave((a) => {
      a.once('async-logout-request', () => {
        throw new Error('listener bug');
      });
      a.on('async-logout-request', (e) => void after.push(e.type));
    }, (e) => errors.push(e));
    expect(after).toEqual(['async-logout-request', 'async-logout-request']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['listener bug']);
  });

  it('an unknown event name or a listener that is not a function throws a TypeError at the call', async () => {
    const a = createAdapter();
    // deno-lint-ignore no-explicit-any
    const loose = a as any;
    expect(() => loose.on('session-gone', () => {})).toThrow(TypeError);
    expect(() => loose.on('session-gone', () => {})).toThrow(/'session-gone' is not an event; the events are async-/);
    expect(() => loose.once('connection-lost', 'not a function')).toThrow(/once\(\) takes a listener function/);
    expect(() => loose.off(42)).toThrow(/off\(\) takes a listener function/);
    expect(() => loose.on(() => {}, () => {})).toThrow(TypeError);
    await a.close();
  });
});

describe("an AbortSignal's reason is the error's cause", () => {
  it('result({ signal }) with an AbortSignal.timeout() that fired: the TimeoutError', async () => {
    const target = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    const signal = AbortSignal.timeout(1);
    await until(() => signal.aborted, 2000, 'the timeout signal');
    const err = await a.loginToTarget({ target: T, portal: target.portal }).result({ signal }).catch((e) => e);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.hrName).toBe('VDS_E_OPERATION_CANCELED');
    expect(err.cause).toBe(signal.reason);
    expect([err.cause.name, err.cause instanceof DOMException]).toEqual(['TimeoutError', true]);
    await finish(a, target);
  });

  it('result({ signal }) aborted while the logout runs: the caller’s reason', async () => {
    const target = await startTarget({ targets: [{ name: T, fault: 'late-response', faultArg: 300 }] });
    const a = createAdapter();
    for (let i = 0; i < 3; i++) await a.loginToTarget({ target: T, portal: target.portal }).result();
    const ac = new AbortController();
    const why = { because: 'the caller changed its mind' };
    const p = a.logoutFromTarget(T, { concurrency: 1 }).result({ signal: ac.signal }).catch((e) => e);
    ac.abort(why);
    const err = await p;
    expect([err.hrName, err.cause]).toEqual(['VDS_E_OPERATION_CANCELED', why]);
    await finish(a, target);
  });

  it('a read whose block size is not known yet, its signal already aborted: rejected at once, nothing sent', async () => {
    const target = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    const disk = a.session((await a.loginToTarget({ target: T, portal: target.portal }).result()).sessionId!)!;
    const reason = new Error('not wanted any more');
    const err = await disk.read(0, 0, 1, { signal: AbortSignal.abort(reason) }).catch((e) => e);
    expect([err instanceof IscsiError, err.reason, err.cause]).toEqual([true, 'aborted', reason]);
    expect(target.received.filter((p) => p.opcode === SCSI_COMMAND)).toHaveLength(0);
    expect((await disk.read(0, 0, 1)).length).toBe(512); // its place was given back
    await finish(a, target);
  });
});
