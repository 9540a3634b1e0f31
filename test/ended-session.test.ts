// Commands and a session that ends (docs/io.md): one submitted after it ended is refused as not
// logged in, nothing sent; one still waiting for a place when it is lost ends session-lost, as
// every command waiting then does.
import { describe, expect, it } from 'vitest';
import { IscsiError } from 'iscsi-adapter';
import { done, ownDisk } from './helpers/own-disk.ts';
import { until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:after-logout';

describe('a session used after it ended', () => {
  it('a read after LogoutFromTarget ends not-logged-in, and nothing is sent', async () => {
    const env = await ownDisk(T);
    await env.adapter.logoutFromTarget(T).wait();
    const before = env.target.received.length;
    const err = await env.disk.read(0, 0, 1).catch((e) => e);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('not-logged-in');
    expect(err.message).toContain('nothing was sent');
    expect(env.target.received.length).toBe(before);
    await done(env);
  });

  it('a command waiting for a place when its session is lost ends session-lost, like the one on the wire', async () => {
    const env = await ownDisk(T, { fault: 'stall' }, 1, { maxCommandsPerSession: 1, recovery: false });
    const onWire = env.disk.testUnitReady(0, { timeoutMs: 0 }).catch((e) => e);
    const waiting = env.disk.testUnitReady(0, { timeoutMs: 0 }).catch((e) => e);
    await until(() => env.target.received.some((p) => p.opcode === 0x01), 2000, 'the first command at the target');
    await env.target.close();
    const [a, b] = await Promise.all([onWire, waiting]);
    expect([a.reason, b.reason]).toEqual(['session-lost', 'session-lost']);
    await env.adapter.close();
    expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  });
});
