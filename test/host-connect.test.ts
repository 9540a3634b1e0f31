// A host's connect as a custom host meets it (docs/hosts.md): one that throws instead of
// rejecting fails the login, not the caller's call; a signal handed on already aborted is honoured.
import { describe, expect, it } from 'vitest';
import { Adapter, type Host, host, hrName } from 'iscsi-adapter';
import { until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:disk';
const handlers = { onData: () => {}, onEnd: () => {}, onClose: () => {} };

describe("a host's connect", () => {
  it('a connect that throws ends the login connect-failed with its words, and leaves nothing open', async () => {
    const throwing: Host = {
      ...host,
      connect: () => {
        throw new Error('no sockets in this host');
      },
    };
    const adapter = new Adapter(throwing, { recovery: false });
    const { hr, output } = await adapter.loginToTarget({ target: T, portal: '127.0.0.1:3260' }).wait();
    expect([hrName(hr), output.result]).toEqual(['VDS_E_ISCSI_LOGIN_FAILED', 'connect-failed']);
    expect(output.error).toContain('no sockets in this host');
    await until(() => adapter.resources().sockets === 0, 1000, 'the failed connect to be let go');
    expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    await adapter.close();
  });

  // Port 1 refuses at once: without the check the connect would fail ECONNREFUSED, not aborted.
  it("the runtime's own host gives up at once on a signal that is already aborted", async () => {
    const err = await host.connect({ host: '127.0.0.1', port: 1, signal: { aborted: true, onabort: null } }, handlers)
      .then(() => undefined, (e: Error) => e);
    expect(`${err?.name} ${err?.message}`).toMatch(/abort/i);
  });
});
