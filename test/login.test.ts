// Login rules the real targets cannot show on demand, against the own target.
import { describe, expect, it } from 'vitest';
import { createAdapter, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { freePort } from './peers/daemon.ts';
import { silentPeer } from './helpers/silent-peer.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:login';
const auth = { method: 'chap', user: 'alice', secret: 'Secret4Initiator' } as const;
const mutual = { ...auth, method: 'mutual-chap', targetUser: 'tgt', targetSecret: 'Secret4TargetSide' } as const;

describe('login (own target)', () => {
  it('refuses a downgrade: CHAP required, the target answers AuthMethod=None', async () => {
    const t = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    const r = await a.loginToTarget({ target: T, portal: t.portal, auth }).wait();
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.result).toBe('downgrade-refused');
    expect(t.sessions()).toBe(0);
    await a.close();
    await t.close();
  });

  it('CHAP and mutual CHAP succeed; a wrong target secret is refused by us', async () => {
    const t = await startTarget({
      targets: [{
        name: T,
        chap: { user: 'alice', secret: auth.secret, targetUser: 'tgt', targetSecret: mutual.targetSecret },
      }],
    });
    const a = createAdapter();
    expect(hrName((await a.loginToTarget({ target: T, portal: t.portal, auth }).wait()).hr)).toBe('S_OK');
    expect(hrName((await a.loginToTarget({ target: T, portal: t.portal, auth: mutual }).wait()).hr)).toBe('S_OK');
    const bad = await a.loginToTarget({
      target: T,
      portal: t.portal,
      auth: { ...mutual, targetSecret: 'SomethingElse1' },
    }).wait();
    expect(bad.output.result).toBe('mutual-auth-failed');
    const wrongName = await a.loginToTarget({
      target: T,
      portal: t.portal,
      auth: { ...mutual, targetUser: 'impostor' },
    }).wait();
    expect(wrongName.output.result).toBe('mutual-auth-failed');
    expect(hrName((await a.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    await a.close();
    await t.close();
  });

  it('an offer of only stronger algorithms to an MD5-only target fails negotiation', async () => {
    const t = await startTarget({ targets: [{ name: T, chap: { user: 'alice', secret: auth.secret } }] });
    const a = createAdapter();
    const r = await a.loginToTarget({ target: T, portal: t.portal, auth: { ...auth, algorithms: ['sha256'] } }).wait();
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.status).toBe(0x0201);
    await a.close();
    await t.close();
  });

  it('bad arguments end up front with E_INVALIDARG: equal secrets, missing secret, bad portal; wrong types throw', async () => {
    const a = createAdapter();
    for (
      const req of [
        { target: T, portal: '127.0.0.1:3260', auth: { ...mutual, targetSecret: mutual.secret } },
        { target: T, portal: '127.0.0.1:3260', auth: { method: 'chap', user: 'alice' } },
        { target: T, portal: 'not a portal:99999' },
        { target: 'not-an-iqn', portal: '127.0.0.1:3260' },
        { target: T, portal: '127.0.0.1:3260', keepaliveMs: -1 },
        { target: T, portal: '127.0.0.1:3260', connectTimeoutMs: 2 ** 31 },
      ]
    ) {
      const op = a.loginToTarget(req as never);
      expect(op.queryStatus()).toEqual({ hr: 0x80070057, percentCompleted: 100 });
      expect(op.type).toBe(60);
    }
    expect(() => a.loginToTarget(undefined as never)).toThrow(TypeError);
    await a.close();
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  });

  it('status 0x0201 from the target is kept verbatim; cancel during login ends VDS_E_OPERATION_CANCELED', async () => {
    const t = await startTarget({ targets: [{ name: T, fault: 'login-auth-fail' }] });
    const a = createAdapter();
    const r = await a.loginToTarget({ target: T, portal: t.portal }).wait();
    expect(r.output).toMatchObject({ status: 0x0201, statusClass: 2, statusDetail: 1, result: 'auth-failed' });
    const op = a.loginToTarget({ target: T, portal: t.portal });
    expect(hrName(op.cancel())).toBe('S_OK');
    expect(hrName((await op.wait()).hr)).toBe('VDS_E_OPERATION_CANCELED');
    expect(hrName(op.cancel())).toBe('VDS_E_OPERATION_CANCELED');
    await a.close();
    await t.close();
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  });
});

describe('operational negotiation (own target echoes our offers)', () => {
  it('reports every negotiated key by its RFC 7143 name', async () => {
    const t = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    const r = await a.loginToTarget({ target: T, portal: t.portal, headerDigest: true }).wait();
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.negotiated).toEqual({
      MaxConnections: 1,
      InitialR2T: 1,
      ImmediateData: 1,
      TargetMaxRecvDataSegmentLength: 262144, // the own target echoes what we declare
      MaxBurstLength: 262144,
      FirstBurstLength: 65536,
      DefaultTime2Wait: 2,
      DefaultTime2Retain: 0,
      MaxOutstandingR2T: 1,
      DataPDUInOrder: 1,
      DataSequenceInOrder: 1,
      ErrorRecoveryLevel: 0,
      TargetPortalGroupTag: 0,
      HeaderDigest: 1,
      DataDigest: 0,
    });
    await a.close();
    await t.close();
  });
});

describe('login faults (own target)', () => {
  it('an answer its result function forbids fails the login (MaxBurstLength above our offer)', async () => {
    const t = await startTarget({ targets: [{ name: T, fault: 'bad-negotiation' }] });
    const a = createAdapter();
    const r = await a.loginToTarget({ target: T, portal: t.portal }).wait();
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.result).toBe('negotiation-failed');
    expect(r.output.error).toMatch(/answer for MaxBurstLength breaks the rule of that key/);
    await a.close();
    await t.close();
  });

  it('login redirection (0x0101) is followed to the new portal', async () => {
    const real = await startTarget({ targets: [{ name: T }] });
    const mover = await startTarget({ targets: [{ name: T, fault: 'redirect', redirectTo: real.portal }] });
    const a = createAdapter();
    const r = await a.loginToTarget({ target: T, portal: mover.portal }).wait();
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.redirects).toEqual([real.portal]);
    expect(r.output.portal).toBe(real.portal);
    expect(real.sessions()).toBe(1);
    expect(hrName((await a.logoutFromTarget(T).wait()).hr)).toBe('S_OK');
    await a.close();
    await real.close();
    await mover.close();
  });

  it('redirects that never end stop after three', async () => {
    const port = await freePort();
    const loop = await startTarget({
      port,
      targets: [{ name: T, fault: 'redirect', redirectTo: `127.0.0.1:${port}` }],
    });
    const a = createAdapter();
    const r = await a.loginToTarget({ target: T, portal: loop.portal }).wait();
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.result).toBe('too-many-redirects');
    expect(r.output.redirects).toHaveLength(3);
    await a.close();
    await loop.close();
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  });
});

describe('discovery (own target)', () => {
  it('a SendTargets answer split inside a pair over two Text Responses (C bit) is joined', async () => {
    const names = ['iqn.2026-11.dev.split:alpha', 'iqn.2026-11.dev.split:bravo', 'iqn.2026-11.dev.split:charlie'];
    const t = await startTarget({
      targets: names.map((name, i) => ({ name, fault: i === 0 ? 'text-split' as const : undefined })),
    });
    const a = createAdapter();
    const { hr, output } = await a.discover(t.portal).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.targets.map((x) => x.name)).toEqual(names);
    expect(output.targets.every((x) => x.portals[0] === t.portal)).toBe(true);
    expect(t.received.filter((p) => p.opcode === 0x04)).toHaveLength(2);
    expect(t.received.filter((p) => p.opcode === 0x06)).toHaveLength(1); // the discovery session is logged out
    await a.close();
    await t.close();
  });
});

describe('close() never leaves a handle hanging', () => {
  it('a login and a discovery stuck on a silent peer end when the adapter closes', async () => {
    const silent = await silentPeer();
    const portal = silent.portal;
    const a = createAdapter();
    const login = a.loginToTarget({ target: T, portal, loginTimeoutMs: 60000 });
    const disc = a.discover(portal, { timeoutMs: 60000 });
    while (silent.accepted() < 2) await new Promise((r) => setTimeout(r, 5));
    await a.close();
    const [l, d] = await Promise.all([login.wait({ timeoutMs: 2000 }), disc.wait({ timeoutMs: 2000 })]);
    // close() cancels logins in flight first, so none can complete behind its logout.
    expect(hrName(l.hr)).toBe('VDS_E_OPERATION_CANCELED');
    expect(l.output.result).toBe('cancelled');
    expect(hrName(d.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
    await silent.close();
  });
});

describe('limits', () => {
  it('with every session slot busy a new login gets a finished E_OUTOFMEMORY handle, not a throw', async () => {
    const silent = await silentPeer();
    const portal = silent.portal;
    const a = createAdapter({ maxSessions: 4 });
    const ops = Array.from({ length: 5 }, () => a.loginToTarget({ target: T, portal, loginTimeoutMs: 60000 }));
    expect(ops.slice(0, 4).every((o) => !o.done)).toBe(true);
    expect(ops[4].queryStatus()).toEqual({ hr: 0x8007000e, percentCompleted: 100 });
    await a.close();
    for (const o of ops.slice(0, 4)) expect(o.done).toBe(true);
    await silent.close();
  });
});
