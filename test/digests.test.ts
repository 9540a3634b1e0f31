// headerDigest / dataDigest: 'prefer' takes whichever the target chooses, 'required' (or true)
// fails without CRC32C, 'off' (or false) offers None (docs/login.md). Against the built-in
// target with and without digests, tgtd with and without them, and istgt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Adapter, createAdapter, type DigestOption, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { type Istgt, startIstgt } from './peers/istgt.ts';
import { have } from './peers/daemon.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:digests';
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 29 + seed) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Logs in with both digests set to `digest`: what was negotiated, or why it failed. */
async function login(a: Adapter, target: string, portal: string, digest: DigestOption) {
  const { hr, output } = await a.loginToTarget({ target, portal, headerDigest: digest, dataDigest: digest })
    .wait({ timeoutMs: 10000 });
  return { hr: hrName(hr), output, digests: [output.negotiated?.HeaderDigest, output.negotiated?.DataDigest] };
}
/** 64 KiB written and read back through the session (R2T, Data-Out, Data-In: digests on every PDU kind). */
async function roundTrip(a: Adapter, sessionId: string, lun: number) {
  const disk = a.session(sessionId)!;
  const data = pattern(64 * 1024, lun + 3);
  await disk.write(lun, 16, data);
  return same(await disk.read(lun, 16, data.length / 512), data);
}
async function closeAll(a: Adapter) {
  await a.close({ logoutTimeoutMs: 2000, graceMs: 50 });
  expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
}

describe('the built-in target', () => {
  for (
    const [takes, want] of [
      [['CRC32C', 'None'], [1, 1]],
      [['None'], [0, 0]],
    ] as const
  ) {
    it(`'prefer' against a target that takes ${takes.join(',')}: digests ${want[0] ? 'on' : 'off'}, data intact`, async () => {
      const target = await startTarget({ targets: [{ name: T, digests: [...takes] }] });
      const a = createAdapter();
      const r = await login(a, T, target.portal, 'prefer');
      expect([r.hr, r.digests]).toEqual(['S_OK', want]);
      expect(await roundTrip(a, r.output.sessionId!, 0)).toBe(true);
      await closeAll(a);
      await target.close();
    });
  }

  it("'required' against a target without digests fails, naming the key", async () => {
    const target = await startTarget({ targets: [{ name: T, digests: ['None'] }] });
    const a = createAdapter();
    const r = await login(a, T, target.portal, 'required');
    expect([r.hr, r.output.result]).toEqual(['VDS_E_ISCSI_LOGIN_FAILED', 'negotiation-failed']);
    expect(r.output.error).toBe(
      "headerDigest: 'required' requires CRC32C and the target did not agree to it (HeaderDigest); " +
        "log in with 'prefer' or without it",
    );
    await closeAll(a);
    await target.close();
  });

  it("'off' against a target that takes both: no digests", async () => {
    const target = await startTarget({ targets: [{ name: T }] });
    const a = createAdapter();
    const r = await login(a, T, target.portal, 'off');
    expect([r.hr, r.digests]).toEqual(['S_OK', [0, 0]]);
    await closeAll(a);
    await target.close();
  });

  it('a digest option that is not one of the values ends the login E_INVALIDARG, naming it', async () => {
    const a = createAdapter();
    // deno-lint-ignore no-explicit-any
    const r = await login(a, T, '127.0.0.1:3260', 'maybe' as any);
    expect(r.hr).toBe('E_INVALIDARG');
    expect(r.output.error).toBe("headerDigest must be true, false, 'required', 'prefer' or 'off': maybe");
    await closeAll(a);
  });

  it('a digest option of another type throws a TypeError at the call', async () => {
    const a = createAdapter();
    // deno-lint-ignore no-explicit-any
    expect(() => a.loginToTarget({ target: T, portal: '127.0.0.1', dataDigest: 1 as any })).toThrow(
      "dataDigest must be true, false, 'required', 'prefer' or 'off'",
    );
    await closeAll(a);
  });
});

describe('tgtd', () => {
  let tgtd: Tgtd;
  const PLAIN = 'iqn.2026-11.test:digest-plain', DIG = 'iqn.2026-11.test:digest-both';
  beforeAll(async () => {
    if (!have('tgtd')) throw new Error("tgtd is not installed: run 'apt-get install -y tgt' (.ci/run does this).");
    tgtd = await startTgtd([{ tid: 1, name: PLAIN }, { tid: 2, name: DIG, digests: true }]);
  });
  afterAll(() => tgtd?.stop());

  for (const [name, want] of [[DIG, [1, 1]], [PLAIN, [0, 0]]] as const) {
    it(
      `'prefer' on ${name === DIG ? 'a target configured CRC32C,None' : 'a target left at None'}: digests ${
        want[0] ? 'on' : 'off'
      }, data intact, logged out`,
      async () => {
        const a = createAdapter();
        const r = await login(a, name, tgtd.portals[0], 'prefer');
        expect([r.hr, r.digests]).toEqual(['S_OK', want]);
        expect(await roundTrip(a, r.output.sessionId!, 1)).toBe(true);
        expect(hrName((await a.logoutFromTarget(name).wait()).hr)).toBe('S_OK');
        expect(tgtd.sessions(name, a.name)).toBe(0);
        await closeAll(a);
      },
    );
  }
});

describe('istgt', () => {
  let istgt: Istgt;
  beforeAll(async () => {
    if (!have('istgt')) throw new Error("istgt is not installed: run 'apt-get install -y istgt' (.ci/run does this).");
    istgt = await startIstgt([{ name: 'disk1', auth: 'Auto' }]);
  });
  afterAll(() => istgt?.stop());

  it("'prefer' on istgt (UseDigest Auto): digests on, data intact", async () => {
    const a = createAdapter();
    const r = await login(a, istgt.targetName('disk1'), istgt.portal, 'prefer');
    expect([r.hr, r.digests]).toEqual(['S_OK', [1, 1]]);
    expect(await roundTrip(a, r.output.sessionId!, 0)).toBe(true);
    await closeAll(a);
  });
});
