// A host's connect as a custom host meets it (docs/hosts.md): one that throws instead of
// rejecting fails the login, not the caller's call; a signal handed on already aborted is honoured.
import { describe, expect, it } from 'vitest';
import { Adapter, type Host, host, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { runtime, until } from './helpers/env.ts';

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

  // Node's host reads into the buffer the engine offers (the core's input region), which spares
  // a copy of every chunk; hosts whose reads settle later must hand over chunks of their own.
  it('chunks arrive in the read buffer the engine offers under Node, and in buffers of their own elsewhere', async () => {
    const target = await startTarget({ targets: [{ name: T }] });
    let inPlace = 0, own = 0;
    const watching: Host = {
      ...host,
      connect: (opts, h) =>
        host.connect(opts, {
          ...h,
          onData: (chunk) => {
            if (h.readBuffer && chunk.buffer === h.readBuffer.buffer && chunk.byteOffset === h.readBuffer.byteOffset) {
              inPlace++;
            } else own++;
            h.onData(chunk);
          },
        }),
    };
    const adapter = new Adapter(watching, { recovery: false });
    const out = await adapter.loginToTarget({ target: T, portal: target.portal }).result();
    const bytes = await adapter.session(out.sessionId!)!.read(0, 0, 64);
    expect(bytes.length).toBe(64 * 512);
    await adapter.close();
    await target.close();
    expect(runtime === 'node' ? [inPlace > 0, own] : [inPlace, own > 0]).toEqual(
      runtime === 'node' ? [true, 0] : [0, true],
    );
  });
});
