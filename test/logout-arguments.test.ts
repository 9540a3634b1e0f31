// LogoutFromTarget's arguments (README, "When something goes wrong"; docs/logout.md): an unusable
// one ends the handle E_INVALIDARG with output.error naming it, and the default concurrency
// never exceeds what an adapter with few sessions can honour.
import { describe, expect, it } from 'vitest';
import { createAdapter, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:disk';

async function loggedIn(maxSessions: number) {
  const target = await startTarget({ targets: [{ name: T }] });
  const adapter = createAdapter({ maxSessions });
  expect(hrName((await adapter.loginToTarget({ target: T, portal: target.portal }).wait()).hr)).toBe('S_OK');
  return { target, adapter };
}

describe('LogoutFromTarget arguments', () => {
  // Before, the default of 64 Logouts at once was refused by a core holding fewer sessions.
  it('with maxSessions below 64, the default logs out (S_OK), and so does close()', async () => {
    const { target, adapter } = await loggedIn(8);
    const { hr, output } = await adapter.logoutFromTarget(T).wait();
    expect([hrName(hr), output.error]).toEqual(['S_OK', undefined]);
    expect(target.received.filter((p) => p.opcode === 0x06)).toHaveLength(1);
    await adapter.loginToTarget({ target: T, portal: target.portal }).wait();
    await adapter.close({ graceMs: 50 });
    expect(target.received.filter((p) => p.opcode === 0x06)).toHaveLength(2);
    await until(() => target.sessions() === 0, 2000, 'the target to let the session go');
    await target.close();
  });

  it('each unusable argument ends E_INVALIDARG, output.error naming it, and nothing is sent', async () => {
    const { target, adapter } = await loggedIn(8);
    for (
      const [id, opts, error] of [
        ['disk1', {}, 'target is not a target id or an iSCSI name of at most 223 bytes: disk1'],
        [T + 'x'.repeat(200), {}, /^target is not a target id or an iSCSI name of at most 223 bytes: /],
        [T, { inflight: 'ignore' }, 'inflight must be one of drain, abort, refuse'],
        // A name every object inherits is not a policy either (it went to the core as drain).
        [T, { inflight: 'toString' }, 'inflight must be one of drain, abort, refuse'],
        [T, { concurrency: 9 }, 'concurrency must be at most maxSessions (8)'],
        [T, { concurrency: 0 }, 'concurrency must be a whole number from 1 to 2147483647'],
        [T, { deadlineMs: -5 }, 'deadlineMs must be a whole number from 0 to 2147483647'],
        [T, { logoutTimeoutMs: 1.5 }, 'logoutTimeoutMs must be a whole number from 1 to 2147483647'],
      ] as const
    ) {
      // deno-lint-ignore no-explicit-any
      const { hr, output } = await adapter.logoutFromTarget(id, opts as any).wait();
      expect(hrName(hr)).toBe('E_INVALIDARG');
      expect(output.error).toMatch(error);
    }
    expect(target.received.filter((p) => p.opcode === 0x06)).toHaveLength(0);
    await adapter.close({ graceMs: 50 });
    await target.close();
  });

  it('a closed adapter says so', async () => {
    const adapter = createAdapter();
    await adapter.close();
    const { hr, output } = await adapter.logoutFromTarget(T).wait();
    expect([hrName(hr), output.error]).toEqual(['E_INVALIDARG', 'the adapter is closed']);
  });

  it('options of the wrong JavaScript type throw a TypeError at once', async () => {
    const adapter = createAdapter();
    expect(() => adapter.logoutFromTarget(T, 'abort' as never)).toThrow(
      new TypeError('logoutFromTarget options must be an object'),
    );
    expect(() => adapter.logoutFromTarget(T, { concurrency: '4' } as never)).toThrow(
      new TypeError('concurrency must be a number'),
    );
    expect(() => adapter.logoutFromTarget(T, { inflight: 1 } as never)).toThrow(
      new TypeError('inflight must be a string'),
    );
    await adapter.close();
  });

  it('a target this adapter never heard of ends VDS_E_OBJECT_NOT_FOUND, saying what to do', async () => {
    const adapter = createAdapter();
    const { hr, output } = await adapter.logoutFromTarget('iqn.2026-11.dev.nowhere:disk').wait();
    expect([hrName(hr), output.error]).toEqual([
      'VDS_E_OBJECT_NOT_FOUND',
      'no target iqn.2026-11.dev.nowhere:disk is known to this adapter: log in to it or discover it first',
    ]);
    await adapter.close();
  });

  it('a known target with no session ends VDS_E_ISCSI_SESSION_NOT_FOUND, saying so', async () => {
    const { target, adapter } = await loggedIn(8);
    expect(hrName((await adapter.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    const { hr, output } = await adapter.logoutFromTarget(T).wait();
    expect([hrName(hr), output.error]).toEqual([
      'VDS_E_ISCSI_SESSION_NOT_FOUND',
      `this adapter holds no session to ${T}`,
    ]);
    await adapter.close({ graceMs: 50 });
    await target.close();
  });
});
