// A failed login says why in words (output.error): which wait ran out, or which rule the
// target's answer broke (docs/login.md, "When a login fails").
import { describe, expect, it } from 'vitest';
import { Adapter, type Conn, type Host, host, hrName } from 'iscsi-adapter';
import { targetPdu } from './helpers/driver.ts';
import { silentPeer } from './helpers/silent-peer.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:disk';

/** A host whose "target" answers each Login Request with what `answer` makes of it, with no socket. */
function scripted(answer: (request: Uint8Array) => Uint8Array): Host {
  return {
    ...host,
    connect: (_opts, h) => {
      const conn: Conn = {
        write: (b) => queueMicrotask(() => b[0] === 0x43 && h.onData(answer(b))),
        close: () => queueMicrotask(() => h.onClose()),
      };
      return Promise.resolve(conn);
    },
  };
}

describe('a failed login says why', () => {
  it('a target that accepts the connection and never answers: the login timeout, named with its length', async () => {
    const silent = await silentPeer();
    const a = new Adapter(host, { recovery: false });
    const { hr, output } = await a.loginToTarget({ target: T, portal: silent.portal, loginTimeoutMs: 150 }).wait();
    expect([hrName(hr), output.result]).toEqual(['VDS_E_ISCSI_LOGIN_FAILED', 'timeout']);
    expect(output.error).toBe('the target did not finish the login within loginTimeoutMs (150 ms)');
    await a.close();
    await silent.close();
  });

  it("a discovery's timeout names the call's timeoutMs when it gave one", async () => {
    const silent = await silentPeer();
    const a = new Adapter(host, { recovery: false });
    const { output } = await a.discover(silent.portal, { timeoutMs: 120 }).wait();
    expect(output.error).toBe('the target did not finish the login within timeoutMs (120 ms)');
    await a.close();
    await silent.close();
  });

  it("a discovery's timeout names the adapter's loginTimeoutMs when the call gave none", async () => {
    const silent = await silentPeer();
    const a = new Adapter(host, { recovery: false, loginTimeoutMs: 130 });
    const { output } = await a.discover(silent.portal).wait();
    expect(output.error).toBe('the target did not finish the login within loginTimeoutMs (130 ms)');
    await a.close();
    await silent.close();
  });

  it('a target that closes the connection during the login: transport-lost, saying so', async () => {
    const closing: Host = {
      ...host,
      connect: (_opts, h) => Promise.resolve({ write: () => queueMicrotask(() => h.onEnd()), close: () => {} }),
    };
    const a = new Adapter(closing, { recovery: false });
    const { output } = await a.loginToTarget({ target: T, portal: '127.0.0.1:3260' }).wait();
    expect([output.result, output.error]).toEqual([
      'transport-lost',
      'the target closed the connection before the login ended',
    ]);
    await a.close();
  });

  it('login options of the wrong JavaScript type throw a TypeError at once', async () => {
    const a = new Adapter(host, { recovery: false });
    expect(() => a.loginToTarget({ target: T, portal: '127.0.0.1:3260', loginTimeoutMs: '500' } as never)).toThrow(
      new TypeError('loginTimeoutMs must be a number'),
    );
    expect(() => a.loginToTarget({ target: T, portal: '127.0.0.1:3260', reconnect: { maxAttempts: '2' } } as never))
      .toThrow(new TypeError('reconnect.maxAttempts must be a number'));
    expect(() => a.discover('127.0.0.1:3260', { timeoutMs: '5' } as never)).toThrow(
      new TypeError('timeoutMs must be a number'),
    );
    await a.close();
  });

  it('a refused IPv6 connect names the portal in brackets, as it is written', async () => {
    const refusing: Host = {
      ...host,
      connect: () =>
        Promise.reject(Object.assign(new Error('connect ECONNREFUSED ::1:3299'), { code: 'ECONNREFUSED' })),
    };
    const a = new Adapter(refusing, { recovery: false });
    const { output } = await a.loginToTarget({ target: T, portal: '[::1]:3299' }).wait();
    expect([output.result, output.error]).toEqual(['connect-failed', 'ECONNREFUSED [::1]:3299']);
    await a.close();
  });

  it("reconnect delays the wrong way round, the login's own against the defaults: E_INVALIDARG, saying so", async () => {
    const a = new Adapter(host, {});
    const { hr, output } = await a.loginToTarget({
      target: T,
      portal: '127.0.0.1:3260',
      reconnect: { minDelayMs: 10000 },
    }).wait();
    expect([hrName(hr), output.error]).toEqual([
      'E_INVALIDARG',
      'reconnect.minDelayMs (10000) must be at most reconnect.maxDelayMs (8000)',
    ]);
    await a.close();
  });

  it('a connection that never completes: the connect timeout, named with its length', async () => {
    // It gives up when the engine aborts it, as a host must.
    const never: Host = {
      ...host,
      connect: (opts) =>
        new Promise<Conn>((_, reject) => {
          if (opts.signal) opts.signal.onabort = () => reject(new Error('connect aborted'));
        }),
    };
    const a = new Adapter(never, { recovery: false });
    // Nothing here holds the event loop open the way a real socket would (Deno would end the test).
    const alive = setInterval(() => {}, 1000);
    const { output } = await a.loginToTarget({ target: T, portal: '127.0.0.1:3260', connectTimeoutMs: 40 }).wait();
    clearInterval(alive);
    expect([output.result, output.error]).toEqual(['timeout', 'no connection within connectTimeoutMs (40 ms)']);
    await a.close();
  });

  it("a Login Response with another ITT than the request's: protocol-error, naming the tag", async () => {
    const a = new Adapter(
      scripted((req) => {
        const itt = new DataView(req.buffer, req.byteOffset).getUint32(16);
        return targetPdu(0x23, 0x81, { isid: [...req.subarray(8, 14)], itt: itt + 1, statsn: 1 }, 'AuthMethod=None\0');
      }),
      { recovery: false },
    );
    const { output } = await a.loginToTarget({ target: T, portal: '127.0.0.1:3260' }).wait();
    expect(output.result).toBe('protocol-error');
    expect(output.error).toBe("the target sent a Login Response whose Initiator Task Tag is not our request's");
    await a.close();
  });

  it('a SCSI Response during login: protocol-error, naming a PDU other than a Login Response', async () => {
    const a = new Adapter(scripted(() => targetPdu(0x21, 0x80, { statsn: 1 })), { recovery: false });
    const { output } = await a.loginToTarget({ target: T, portal: '127.0.0.1:3260' }).wait();
    expect(output.result).toBe('protocol-error');
    expect(output.error).toBe('the target sent a PDU other than a Login Response before the login ended');
    await a.close();
  });

  it('bytes that break framing during login: protocol-error, naming the framing', async () => {
    const a = new Adapter(scripted(() => targetPdu(0x1f, 0x80)), { recovery: false });
    const { output } = await a.loginToTarget({ target: T, portal: '127.0.0.1:3260' }).wait();
    expect(output.result).toBe('protocol-error');
    expect(output.error).toMatch(/^the target sent a PDU that breaks RFC 7143 framing/);
    await a.close();
  });
});
