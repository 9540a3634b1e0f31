// Login, discovery and LogoutFromTarget against real targets: tgtd (tgt) and istgt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Adapter, createAdapter, hrName } from 'iscsi-adapter';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { type Istgt, startIstgt } from './peers/istgt.ts';
import { have } from './peers/daemon.ts';

const SECRET = 'Secret4Initiator';
const TSECRET = 'Secret4TargetSide';
const chap = { method: 'chap', user: 'alice', secret: SECRET } as const;
const mutual = {
  method: 'mutual-chap',
  user: 'alice',
  secret: SECRET,
  targetUser: 'tgt',
  targetSecret: TSECRET,
} as const;

function requireDaemon(cmd: string, pkg: string) {
  if (!have(cmd)) {
    throw new Error(
      `${cmd} is not installed: run 'apt-get install -y ${pkg}' (.ci/run does this). These tests do not skip.`,
    );
  }
}
async function closeAll(...adapters: Adapter[]) {
  for (const a of adapters) {
    await a.close();
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  }
}

describe('tgtd', () => {
  let tgtd: Tgtd;
  const N = {
    plain: 'iqn.2026-11.test:plain',
    chap: 'iqn.2026-11.test:chap',
    mutual: 'iqn.2026-11.test:mutual',
    digest: 'iqn.2026-11.test:digest',
  };
  beforeAll(async () => {
    requireDaemon('tgtd', 'tgt');
    tgtd = await startTgtd([
      { tid: 1, name: N.plain },
      { tid: 2, name: N.chap, chap: { user: 'alice', secret: SECRET } },
      { tid: 3, name: N.mutual, chap: { user: 'alice', secret: SECRET }, mutual: { user: 'tgt', secret: TSECRET } },
      { tid: 4, name: N.digest, digests: true },
    ]);
  });
  afterAll(() => tgtd?.stop());

  it('16 sessions over two portals, seen by tgtadm, then one LogoutFromTarget leaves none', async () => {
    const a = createAdapter();
    const logins = Array.from(
      { length: 16 },
      (_, i) => a.loginToTarget({ target: N.plain, portal: tgtd.portals[i % 2] }).wait({ timeoutMs: 10000 }),
    );
    for (const r of await Promise.all(logins)) expect(hrName(r.hr)).toBe('S_OK');
    expect(tgtd.sessions(N.plain, a.name)).toBe(16);
    const [t] = a.queryTargets();
    expect(new Set(t.sessions.map((s) => s.portal))).toEqual(new Set(tgtd.portals));
    const op = a.logoutFromTarget(t.id);
    const { hr, output } = await op.wait({ timeoutMs: 20000 });
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions).toHaveLength(16);
    expect(output.sessions.every((s) => s.reason === 'logged-out')).toBe(true);
    expect(tgtd.sessions(N.plain, a.name)).toBe(0);
    expect(hrName((await a.logoutFromTarget(t.id).wait()).hr)).toBe('VDS_E_ISCSI_SESSION_NOT_FOUND');
    await closeAll(a);
  });

  it('CHAP and mutual CHAP log in; the secrets appear nowhere in outputs, events or console', async () => {
    const a = createAdapter();
    const seen: unknown[] = [];
    a.on((e) => seen.push(e));
    const orig = { log: console.log, error: console.error, warn: console.warn };
    const printed: string[] = [];
    for (const k of ['log', 'error', 'warn'] as const) {
      console[k] = (...x: unknown[]) => {
        printed.push(x.map(String).join(' '));
      };
    }
    try {
      const r1 = await a.loginToTarget({ target: N.chap, portal: tgtd.portals[0], auth: chap }).wait({
        timeoutMs: 10000,
      });
      const r2 = await a.loginToTarget({ target: N.mutual, portal: tgtd.portals[1], auth: mutual }).wait({
        timeoutMs: 10000,
      });
      seen.push(r1, r2);
      expect(hrName(r1.hr)).toBe('S_OK');
      expect(hrName(r2.hr)).toBe('S_OK');
      expect(tgtd.sessions(N.chap, a.name)).toBe(1);
      expect(tgtd.sessions(N.mutual, a.name)).toBe(1);
      for (const n of [N.chap, N.mutual]) seen.push(await a.logoutFromTarget(n).wait());
    } finally {
      Object.assign(console, orig);
    }
    const all = JSON.stringify(seen) + printed.join('\n') + JSON.stringify(a.queryTargets());
    expect(all.includes(SECRET)).toBe(false);
    expect(all.includes(TSECRET)).toBe(false);
    await closeAll(a);
  });

  it('wrong secret and wrong user fail with status 0x0201 (authentication failure)', async () => {
    const a = createAdapter();
    for (const auth of [{ ...chap, secret: 'WrongSecret123' }, { ...chap, user: 'mallory' }]) {
      const { hr, output } = await a.loginToTarget({ target: N.chap, portal: tgtd.portals[0], auth }).wait({
        timeoutMs: 10000,
      });
      expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
      expect(output.status).toBe(0x0201);
      expect(output.result).toBe('auth-failed');
    }
    await closeAll(a);
  });

  it('CHAP asked of a target without accounts fails (tgtd answers 0x0201); no CHAP against a CHAP target -> 0x0201', async () => {
    const a = createAdapter();
    const down = await a.loginToTarget({ target: N.plain, portal: tgtd.portals[0], auth: chap }).wait({
      timeoutMs: 10000,
    });
    expect(hrName(down.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(down.output.status).toBe(0x0201);
    const none = await a.loginToTarget({ target: N.chap, portal: tgtd.portals[0] }).wait({ timeoutMs: 10000 });
    expect(hrName(none.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(none.output.status).toBe(0x0201);
    expect(tgtd.sessions(N.plain, a.name) + tgtd.sessions(N.chap, a.name)).toBe(0);
    await closeAll(a);
  });

  it('mutual CHAP with a wrong target secret is refused by us', async () => {
    const a = createAdapter();
    const r = await a.loginToTarget({
      target: N.mutual,
      portal: tgtd.portals[0],
      auth: { ...mutual, targetSecret: 'NotTheTarget99' },
    }).wait({ timeoutMs: 10000 });
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.result).toBe('mutual-auth-failed');
    await closeAll(a);
  });

  it('header and data digests (CRC32C) on, then logout', async () => {
    const a = createAdapter();
    const r = await a.loginToTarget({ target: N.digest, portal: tgtd.portals[0], headerDigest: true, dataDigest: true })
      .wait({ timeoutMs: 10000 });
    expect(hrName(r.hr)).toBe('S_OK');
    const plain = await a.loginToTarget({ target: N.plain, portal: tgtd.portals[0], headerDigest: true }).wait({
      timeoutMs: 10000,
    });
    expect(plain.output.result).toBe('negotiation-failed'); // tgtd offers None there: asked-for digests are required
    expect(plain.output.error).toMatch(/^headerDigest: true requires CRC32C .* \(HeaderDigest\)/);
    expect(hrName((await a.logoutFromTarget(N.digest).wait()).hr)).toBe('S_OK');
    expect(tgtd.sessions(N.digest, a.name)).toBe(0);
    await closeAll(a);
  });

  it('1,024 sessions log in through one adapter, and one LogoutFromTarget leaves none on tgtd', async () => {
    const a = createAdapter();
    for (let i = 0; i < 1024; i += 64) {
      const batch = Array.from(
        { length: 64 },
        (_, k) => a.loginToTarget({ target: N.plain, portal: tgtd.portals[(i + k) % 2] }).wait({ timeoutMs: 30000 }),
      );
      for (const r of await Promise.all(batch)) expect(hrName(r.hr)).toBe('S_OK');
    }
    expect(tgtd.sessions(N.plain, a.name)).toBe(1024);
    const { hr, output } = await a.logoutFromTarget(N.plain).wait({ timeoutMs: 60000 });
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions).toHaveLength(1024);
    expect(tgtd.sessions(N.plain, a.name)).toBe(0);
    await closeAll(a);
  }, 120000);

  it('discovery lists every target with its portals, and logs out of the discovery session', async () => {
    const a = createAdapter();
    const { hr, output } = await a.discover(tgtd.portals[0]).wait({ timeoutMs: 10000 });
    expect(hrName(hr)).toBe('S_OK');
    expect(output.targets.map((t) => t.name).sort()).toEqual(Object.values(N).sort());
    expect(output.targets[0].portals.length).toBeGreaterThan(0);
    expect(a.queryTargets().map((t) => t.id).sort()).toEqual(output.targets.map((t) => t.id).sort());
    await closeAll(a);
  });

  it('an unreachable portal ends within the connect deadline with a clear result', async () => {
    const a = createAdapter();
    const r = await a.loginToTarget({ target: N.plain, portal: '127.0.0.1:1', connectTimeoutMs: 1000 }).wait();
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.result).toBe('connect-failed');
    await closeAll(a);
  });
});

describe('istgt', () => {
  let istgt: Istgt;
  beforeAll(async () => {
    requireDaemon('istgt', 'istgt');
    istgt = await startIstgt(
      [{ name: 'plain', auth: 'Auto' }, { name: 'chap', auth: 'CHAP' }, { name: 'mutual', auth: 'CHAP Mutual' }],
      { user: 'alice', secret: SECRET, mutualUser: 'tgt', mutualSecret: TSECRET },
    );
  });
  afterAll(async () => {
    await istgt?.stop();
  });

  it('None, CHAP and mutual CHAP log in; LogoutFromTarget logs each out', async () => {
    const a = createAdapter();
    const cases = [['plain', undefined], ['chap', chap], ['mutual', mutual]] as const;
    for (const [unit, auth] of cases) {
      for (let i = 0; i < 2; i++) {
        const r = await a.loginToTarget({ target: istgt.targetName(unit), portal: istgt.portal, auth }).wait({
          timeoutMs: 10000,
        });
        expect([unit, hrName(r.hr), r.output.result]).toEqual([unit, 'S_OK', 'ok']);
      }
    }
    for (const [unit] of cases) {
      const { hr, output } = await a.logoutFromTarget(istgt.targetName(unit)).wait({ timeoutMs: 20000 });
      expect([unit, hrName(hr)]).toEqual([unit, 'S_OK']);
      expect(output.sessions).toHaveLength(2);
    }
    await closeAll(a);
  });

  it('a wrong CHAP secret fails with an initiator-error class status', async () => {
    const a = createAdapter();
    const r = await a.loginToTarget({
      target: istgt.targetName('chap'),
      portal: istgt.portal,
      auth: { ...chap, secret: 'WrongSecret123' },
    }).wait({ timeoutMs: 10000 });
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.statusClass).toBe(2);
    await closeAll(a);
  });

  it('discovery (where libiscsi iscsi-ls hung) lists every target within its bound', async () => {
    const a = createAdapter();
    // The wait limit is past the discovery's own bound: a discovery that ignored its bound would
    // show up as VDS_E_TIMEOUT from wait(), one that kept it ends with its own answer.
    const { hr, output } = await a.discover(istgt.portal, { timeoutMs: 5000 }).wait({ timeoutMs: 15000 });
    expect(hrName(hr)).toBe('S_OK');
    expect(output.targets.map((t) => t.name).sort()).toEqual(
      ['chap', 'mutual', 'plain'].map((u) => istgt.targetName(u)),
    );
    await closeAll(a);
  });
});
