// A session used after it ended: the command is refused as not logged in, and says nothing was
// sent (docs/io.md), rather than reading like a session lost with the command on the wire.
import { describe, expect, it } from 'vitest';
import { IscsiError } from 'iscsi-adapter';
import { done, ownDisk } from './helpers/own-disk.ts';

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
});
