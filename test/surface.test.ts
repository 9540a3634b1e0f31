// What a user meets when something goes wrong (README, "When something goes wrong"): a closed
// adapter that stays closed, errors that say why, discovery with CHAP, printable handles.
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createAdapter, hrName, IscsiError } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:surface';
const chap = { user: 'alice', secret: 'RightSecret12' };

describe('a closed adapter', () => {
  it('answers a login at once with E_INVALIDARG (adapter-closed) and opens nothing', async () => {
    const t = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    await a.close();
    const op = a.loginToTarget({ target: T, portal: t.portal });
    expect(op.done).toBe(true);
    const { hr, output } = await op.wait();
    expect(hrName(hr)).toBe('E_INVALIDARG');
    expect(output).toMatchObject({ result: 'adapter-closed', error: 'the adapter is closed' });
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
    expect(t.received).toEqual([]);
    expect(hrName((await a.logoutFromTarget(T).wait()).hr)).toBe('E_INVALIDARG');
    await t.close();
  });

  it('close() racing a login in flight leaves nothing on the target; a second close() waits for the first', async () => {
    const t = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    await a.loginToTarget({ target: T, portal: t.portal }).wait();
    const racing = a.loginToTarget({ target: T, portal: t.portal });
    const first = a.close(), second = a.close();
    await second;
    await first;
    expect(racing.done).toBe(true);
    await until(() => t.sessions() === 0, 2000, 'the target to hold no session');
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
    await t.close();
  });

  it('refuses a listener added after close() has finished, which would never be called, and still takes off()', async () => {
    const a = createAdapter();
    const heard = () => {};
    const remove = a.on('session-lost', heard);
    const closing = a.close();
    // While close() runs, its logouts may still send events: a listener is taken then.
    a.once('session-lost', heard)();
    await closing;
    expect(() => a.on(heard)).toThrow(/on\(\): the adapter is closed/);
    expect(() => a.once('session-lost', heard)).toThrow(/once\(\): the adapter is closed/);
    expect(a.off('session-lost', heard)).toBe(a);
    remove();
  });
});

describe('errors that say why', () => {
  it('a refused login names the result and the target status in IscsiError.message', async () => {
    const t = await startTarget({ targets: [{ name: T, chap }] });
    const a = createAdapter();
    const err = await a.loginToTarget({
      target: T,
      portal: t.portal,
      auth: { method: 'chap', user: 'alice', secret: 'WrongSecret12' },
    })
      .result().catch((e) => e);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.message).toBe(
      'VDS_E_ISCSI_LOGIN_FAILED (0x80042708): auth-failed, target status 0x0201 (authentication failure)',
    );
    await a.close();
    await t.close();
  });

  it('a refused connection carries the OS error and the address', async () => {
    const a = createAdapter();
    const { output } = await a.loginToTarget({ target: T, portal: '127.0.0.1:1' }).wait();
    expect(output.result).toBe('connect-failed');
    expect(output.error).toMatch(/ECONNREFUSED|ConnectionRefused/);
    expect(output.error).toContain('127.0.0.1:1');
    await a.close();
  });

  it("result()'s IscsiError for a refused connection has the runtime's error as its cause", async () => {
    const a = createAdapter();
    const e = await a.loginToTarget({ target: T, portal: '127.0.0.1:1' }).result().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IscsiError);
    const cause = (e as IscsiError).cause as { code?: string; name?: string };
    expect(cause).toBeInstanceOf(Error);
    expect(`${cause.code ?? cause.name}`).toMatch(/ECONNREFUSED|ConnectionRefused/);
    await a.close();
  });

  for (
    const [auth, message] of [
      [{ method: 'chap', user: 'alice' }, 'auth.secret is required for chap'],
      [{ method: 'kerberos' }, 'auth.method must be one of none, chap, mutual-chap'],
      [{ method: 'mutual-chap', user: 'a', secret: 'Secret123456' }, 'auth.targetUser is required for mutual-chap'],
      [{ method: 'chap', user: 'é'.repeat(128), secret: 'Secret123456' }, 'auth.user is longer than 254 bytes'],
    ] as const
  ) {
    it(`an unusable argument names itself: ${message}`, async () => {
      const a = createAdapter();
      // deno-lint-ignore no-explicit-any
      const { hr, output } = await a.loginToTarget({ target: T, portal: '127.0.0.1:3260', auth: auth as any }).wait();
      expect(hrName(hr)).toBe('E_INVALIDARG');
      expect(output.error).toBe(message);
      await a.close();
    });
  }

  it('discovery with an unusable argument says invalid-argument, as a login does, and why', async () => {
    const a = createAdapter();
    const user = 'u'.repeat(255);
    const { hr, output } = await a.discover('127.0.0.1:1', { auth: { method: 'chap', user, secret: 'Secret123456' } })
      .wait();
    expect([hrName(hr), output.result, output.error]).toEqual([
      'E_INVALIDARG',
      'invalid-argument',
      'auth.user is longer than 254 bytes',
    ]);
    await a.close();
  });

  it('a malformed target name says so', async () => {
    const a = createAdapter();
    const { output } = await a.loginToTarget({ target: 'not an iqn', portal: '127.0.0.1' }).wait();
    expect(output.error).toBe('target is not an iSCSI name (iqn./eui./naa.): not an iqn');
    await a.close();
  });

  // 5,000 bytes overflowed the parameters the core reads and threw a RangeError out of the call.
  for (const n of [224 - 'iqn.2026-11.x:'.length, 5000]) {
    it(`a target name of ${n + 'iqn.2026-11.x:'.length} bytes ends the handle E_INVALIDARG, naming the limit`, async () => {
      const a = createAdapter();
      const { hr, output } = await a.loginToTarget({ target: 'iqn.2026-11.x:' + 'a'.repeat(n), portal: '127.0.0.1:1' })
        .wait();
      expect(hrName(hr)).toBe('E_INVALIDARG');
      expect(output.error).toBe('target is longer than 223 bytes (RFC 7143 §4.2.7.1)');
      await a.close();
    });
  }

  it('an initiatorName longer than 223 bytes throws a TypeError from createAdapter', () => {
    expect(() => createAdapter({ initiatorName: 'iqn.2026-11.x:' + 'a'.repeat(210) })).toThrow(/at most 223 bytes/);
  });

  it('a value of the wrong JavaScript type throws a TypeError at once', () => {
    const a = createAdapter();
    // deno-lint-ignore no-explicit-any
    expect(() => a.loginToTarget({ target: 42 as any, portal: '127.0.0.1' })).toThrow(TypeError);
    return a.close();
  });

  it('on() with something that is not a function throws a TypeError at once, never at the first event', () => {
    const a = createAdapter();
    // deno-lint-ignore no-explicit-any
    expect(() => a.on('connection-lost' as any)).toThrow(/on\(\) takes a listener function/);
    return a.close();
  });
});

describe('discovery', () => {
  it('authenticates with CHAP when the portal asks for it, and emits no stray event', async () => {
    const t = await startTarget({ targets: [{ name: T }], discoveryChap: chap });
    const a = createAdapter();
    const seen: string[] = [];
    a.on((e) => seen.push(e.type));
    const refused = await a.discover(t.portal).wait();
    expect(hrName(refused.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(refused.output.status).toBe(0x0201);
    const { hr, output } = await a.discover(t.portal, { auth: { method: 'chap', ...chap } }).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.targets.map((x) => x.name)).toEqual([T]);
    expect(seen).toEqual([]);
    await a.close();
    await t.close();
  });
});

describe('printing', () => {
  it('console.log of a handle shows its type, whether it is done and its result; a status shows the code name', async () => {
    const t = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    const op = a.loginToTarget({ target: T, portal: t.portal });
    expect(inspect(op)).toBe('AsyncOperation LoginToTarget { running, 0% }');
    expect(String(op.queryStatus())).toBe('VDS_E_OPERATION_PENDING (0x80042409), 0%');
    await op.wait();
    expect(inspect(op)).toBe('AsyncOperation LoginToTarget { done, S_OK }');
    await a.close();
    await t.close();
  });
});
