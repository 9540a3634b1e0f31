// Login keys targets answer their own way: FirstBurstLength (RFC 7143 §13.14) above MaxBurstLength
// or not given a value, and TargetPortalGroupTag (§13.9) declared in the security stage or other
// than discovery said. Against the built-in target's switches and against tgtd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Adapter, createAdapter, hrName, IscsiError } from 'iscsi-adapter';
import { type RunningTarget, startTarget, type TargetSpec } from 'iscsi-adapter/target';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { have } from './peers/daemon.ts';
import { until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:negotiation';
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

async function own(spec: Partial<TargetSpec>) {
  const target = await startTarget({ targets: [{ name: T, ...spec }] });
  const adapter = createAdapter({ loginTimeoutMs: 3000 });
  return { target, adapter };
}
async function done(env: { target: RunningTarget; adapter: Adapter }) {
  await env.adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
  expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  await env.target.close();
}
/** The data segment of each write command, and of each Data-Out, the target received. */
function writePdus(target: RunningTarget) {
  const write = target.received.filter((p) => p.opcode === 0x01 && (p.bhs[1] & 0x20) !== 0);
  return {
    immediate: write.map((p) => p.dataLength),
    dataOut: target.received.filter((p) => p.opcode === 0x05).map((p) => p.dataLength),
  };
}

describe('FirstBurstLength: the value reported is the value used', () => {
  it('answered above MaxBurstLength (65536 over 16384): login succeeds and uses 16384', async () => {
    const env = await own({ fault: 'burst-16k' });
    const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).wait();
    expect(hrName(r.hr)).toBe('S_OK');
    const n = r.output.negotiated!;
    expect([n.MaxBurstLength, n.FirstBurstLength, n.ImmediateData, n.InitialR2T]).toEqual([16384, 16384, 1, 1]);
    const disk = env.adapter.session(r.output.sessionId!)!;
    const data = pattern(64 * 1024, 3);
    await disk.write(0, 0, data);
    // 16384 immediate, then one R2T of 16384 per burst for the rest.
    expect(writePdus(env.target)).toEqual({ immediate: [16384], dataOut: [16384, 16384, 16384] });
    expect(same(await disk.read(0, 0, data.length / 512), data)).toBe(true);
    await done(env);
  });

  it('Irrelevant with ImmediateData=No: login succeeds, 0 is reported and no unsolicited data goes out', async () => {
    const env = await own({ fault: 'first-burst-irrelevant' });
    const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).wait();
    expect(hrName(r.hr)).toBe('S_OK');
    const n = r.output.negotiated!;
    expect([n.FirstBurstLength, n.ImmediateData, n.InitialR2T, n.MaxBurstLength]).toEqual([0, 0, 1, 262144]);
    const disk = env.adapter.session(r.output.sessionId!)!;
    const data = pattern(8192, 5);
    await disk.write(0, 8, data);
    expect(writePdus(env.target)).toEqual({ immediate: [0], dataOut: [8192] });
    expect(same(await disk.read(0, 8, 16), data)).toBe(true);
    await done(env);
  });

  for (const fault of ['first-burst-reject', 'first-burst-not-understood'] as const) {
    it(`${fault}: login succeeds; with no agreed value we send no immediate data (0)`, async () => {
      const env = await own({ fault });
      const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).wait();
      expect(hrName(r.hr)).toBe('S_OK');
      const n = r.output.negotiated!;
      expect([n.FirstBurstLength, n.ImmediateData, n.MaxBurstLength]).toEqual([0, 1, 262144]);
      const disk = env.adapter.session(r.output.sessionId!)!;
      const data = pattern(4096, 9);
      await disk.write(0, 16, data);
      expect(writePdus(env.target)).toEqual({ immediate: [0], dataOut: [4096] });
      expect(same(await disk.read(0, 16, 8), data)).toBe(true);
      await done(env);
    });
  }

  it('a target that answers every key as offered still gets immediate data up to 65536', async () => {
    const env = await own({});
    const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).wait();
    expect(r.output.negotiated?.FirstBurstLength).toBe(65536);
    const disk = env.adapter.session(r.output.sessionId!)!;
    await disk.write(0, 0, pattern(128 * 1024, 1));
    expect(writePdus(env.target)).toEqual({ immediate: [65536], dataOut: [65536] });
    await done(env);
  });
});

describe('TargetPortalGroupTag', () => {
  it('declared in the security stage (None and CHAP) is read and reported', async () => {
    const chap = { user: 'alice', secret: 'Secret4Initiator' };
    for (const spec of [{ faultArg: 7 }, { faultArg: 7, chap }]) {
      const env = await own({ fault: 'tpgt-security', ...spec });
      const auth = spec.chap ? { method: 'chap' as const, ...chap } : undefined;
      const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal, auth }).wait();
      expect(hrName(r.hr)).toBe('S_OK');
      expect(r.output.negotiated?.TargetPortalGroupTag).toBe(7);
      await done(env);
    }
  });

  it('discovery reports each portal with its tag, and a login there that meets the same tag succeeds', async () => {
    const env = await own({ fault: 'tpgt-security' });
    const d = await env.adapter.discover(env.target.portal).wait();
    expect(hrName(d.hr)).toBe('S_OK');
    expect(d.output.targets.map((t) => [t.name, t.portals, t.portalGroupTags])).toEqual([
      [T, [env.target.portal], { [env.target.portal]: 1 }],
    ]);
    const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).wait();
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.negotiated?.TargetPortalGroupTag).toBe(1);
    await done(env);
  });

  it('a tag other than discovery reported fails the login (portal-group-mismatch), and no session stays', async () => {
    const env = await own({ fault: 'tpgt-security', faultArg: 2 });
    expect(hrName((await env.adapter.discover(env.target.portal).wait()).hr)).toBe('S_OK');
    const op = env.adapter.loginToTarget({ target: T, portal: env.target.portal });
    const { hr, output } = await op.wait();
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(output.result).toBe('portal-group-mismatch');
    expect(output.sessionId).toBeUndefined();
    expect(output.error).toBe(
      `the target declared TargetPortalGroupTag=2; discovery reported 1 for ${env.target.portal}`,
    );
    const err = await op.result().catch((e) => e);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.message).toContain('portal-group-mismatch');
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    await until(() => env.target.sessions() === 0, 2000, 'the target to see no session');
    await done(env);
  });

  it('without a discovered tag there is nothing to check: the declared tag is taken', async () => {
    const env = await own({ fault: 'tpgt-security', faultArg: 2 });
    const r = await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).wait();
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.negotiated?.TargetPortalGroupTag).toBe(2);
    await done(env);
  });
});

describe('tgtd', () => {
  let tgtd: Tgtd;
  const N = { small: 'iqn.2026-11.test:burst-16k', plain: 'iqn.2026-11.test:negotiation' };
  beforeAll(async () => {
    if (!have('tgtd')) throw new Error("tgtd is not installed: run 'apt-get install -y tgt'. These tests do not skip.");
    tgtd = await startTgtd([
      { tid: 1, name: N.small, params: { MaxBurstLength: '16384' } },
      { tid: 2, name: N.plain },
    ]);
  });
  afterAll(() => tgtd?.stop());

  it('MaxBurstLength=16384 (tgtd answers FirstBurstLength=65536): login succeeds with 16384, a write reads back', async () => {
    const a = createAdapter();
    const r = await a.loginToTarget({ target: N.small, portal: tgtd.portals[0] }).wait({ timeoutMs: 10000 });
    expect([hrName(r.hr), r.output.result]).toEqual(['S_OK', 'ok']);
    const n = r.output.negotiated!;
    expect([n.MaxBurstLength, n.FirstBurstLength, n.ImmediateData]).toEqual([16384, 16384, 1]);
    const disk = a.session(r.output.sessionId!)!;
    const data = pattern(64 * 1024, 11);
    await disk.write(1, 0, data);
    expect(same(await disk.read(1, 0, data.length / 512), data)).toBe(true);
    expect(hrName((await a.logoutFromTarget(N.small).wait()).hr)).toBe('S_OK');
    await a.close();
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  });

  it('the tag tgtd declares in the security stage is reported, and matches what its SendTargets said', async () => {
    const a = createAdapter();
    const d = await a.discover(tgtd.portals[0]).wait({ timeoutMs: 10000 });
    expect(hrName(d.hr)).toBe('S_OK');
    const t = d.output.targets.find((x) => x.name === N.plain)!;
    expect(t.portalGroupTags).toEqual({ [tgtd.portals[0]]: 1 });
    const r = await a.loginToTarget({ target: N.plain, portal: tgtd.portals[0] }).wait({ timeoutMs: 10000 });
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.negotiated?.TargetPortalGroupTag).toBe(1);
    await a.close();
    expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
  });
});
