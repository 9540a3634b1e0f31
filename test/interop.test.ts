// Targets that bend or break RFC 7143, played by the built-in target, met through the public API
// as users meet them (docs/login.md, docs/logout.md, docs/events.md, docs/io.md). Each quirk has its own
// switch and test.
import { describe, expect, it } from 'vitest';
import { type AdapterEvent, createAdapter, hrName, ScsiError } from 'iscsi-adapter';
import { startTarget, type TargetSpec } from 'iscsi-adapter/target';
import { bounded, until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:quirks';

async function loginTo(spec: Partial<TargetSpec>, req: { headerDigest?: boolean; dataDigest?: boolean } = {}) {
  const target = await startTarget({ targets: [{ name: T, ...spec }] });
  const adapter = createAdapter({ loginTimeoutMs: 3000 });
  const r = await adapter.loginToTarget({ target: T, portal: target.portal, ...req }).wait();
  const done = async () => {
    await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
    expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    await target.close();
  };
  return { target, adapter, r, done };
}

describe('login against quirky targets', () => {
  it('numbers in hex (MaxRecvDataSegmentLength=0x2000) are read as numbers', async () => {
    const { r, done } = await loginTo({ fault: 'hex-numbers' });
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.negotiated?.TargetMaxRecvDataSegmentLength).toBe(8192);
    await done();
  });

  it('a key split across two Login Responses (C bit) is read whole', async () => {
    const { r, done } = await loginTo({ fault: 'key-split' });
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.negotiated?.MaxBurstLength).toBe(65536);
    await done();
  });

  it('required digests cannot be skipped by jumping from security straight to full feature', async () => {
    const { r, target, done } = await loginTo({ fault: 'skip-operational' }, { headerDigest: true });
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.result).toBe('negotiation-failed');
    expect(r.output.error).toBe(
      "headerDigest: true requires CRC32C and the target did not agree to it (HeaderDigest); log in with 'prefer' or without it",
    );
    await until(() => target.sessions() === 0, 2000, 'the target to see the connection closed');
    await done();
  });

  it('a key the target proposes is answered (NotUnderstood), so a strict target moves on', async () => {
    const { r, target, done } = await loginTo({ fault: 'propose-key' });
    expect(hrName(r.hr)).toBe('S_OK');
    const answers = target.received.filter((p) => p.opcode === 0x03).length;
    expect(answers).toBe(3); // security, operational, the answer
    await done();
  });

  it('a value outside its RFC range (MaxRecvDataSegmentLength=2^32+512) fails, never wraps', async () => {
    const { r, done } = await loginTo({ fault: 'out-of-range' });
    expect(hrName(r.hr)).toBe('VDS_E_ISCSI_LOGIN_FAILED');
    expect(r.output.result).toBe('negotiation-failed');
    expect(r.output.error).toMatch(/answer for TargetMaxRecvDataSegmentLength breaks the rule of that key/);
    await done();
  });

  it('bytes after a redirect on the old connection never reach the new one', async () => {
    const real = await startTarget({ targets: [{ name: T }] });
    const { r, done } = await loginTo({ fault: 'redirect-junk', redirectTo: real.portal });
    expect(hrName(r.hr)).toBe('S_OK');
    expect(r.output.redirects).toEqual([real.portal]);
    await done();
    await real.close();
  });
});

describe('logout against quirky targets', () => {
  it('a Reject of our Logout ends that session at once (protocol-error), not at the logout timeout', async () => {
    const { adapter, r, done } = await loginTo({ fault: 'reject-logout' });
    expect(hrName(r.hr)).toBe('S_OK');
    // A timeout far past the test's own limit: only the Reject can end the wait in time.
    const { hr, output } = await adapter.logoutFromTarget(T, { logoutTimeoutMs: 600_000 }).wait();
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_FAILED');
    expect(output.sessions.map((s) => s.reason)).toEqual(['protocol-error']);
    await done();
  });

  it('a target that never sends FIN: the logout ends S_OK at its response; the socket lingers for its grace', async () => {
    const { adapter, done } = await loginTo({ fault: 'no-fin' });
    const { hr, output } = await adapter.logoutFromTarget(T, { graceMs: 300 }).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions.map((s) => [s.reason, s.hrName])).toEqual([['logged-out', 'S_OK']]);
    expect(adapter.resources().sockets).toBe(1); // waiting for a FIN that never comes
    await until(() => adapter.resources().sockets === 0, 10000, 'the grace to close the socket');
    await done();
  });

  it('close() waits for a lingering socket, no longer than its own grace', async () => {
    const { adapter, done } = await loginTo({ fault: 'no-fin' });
    expect(hrName((await adapter.logoutFromTarget(T, { graceMs: 600_000 }).wait()).hr)).toBe('S_OK');
    expect(adapter.resources().sockets).toBe(1);
    await bounded(adapter.close({ graceMs: 100 }), 10000, 'close() with a 100 ms grace');
    expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    await done();
  });
});

const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const be32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o);

describe('full feature against quirky targets', () => {
  for (const digests of [false, true]) {
    it(
      `reserved bits and bytes set on every PDU, a LUN echoed in SCSI Responses, are ignored and counted${
        digests ? ' (with digests)' : ''
      }`,
      async () => {
        const { adapter, r, done } = await loginTo({ fault: 'reserved-bits' }, {
          headerDigest: digests,
          dataDigest: digests,
        });
        expect(hrName(r.hr)).toBe('S_OK');
        const seen: string[] = [];
        adapter.on((e) => seen.push(e.type));
        const disk = adapter.session(r.output.sessionId!)!;
        const data = pattern(64 * 1024, 5);
        await disk.write(0, 8, data); // R2T, then a SCSI Response
        expect(same(await disk.read(0, 8, data.length / 512), data)).toBe(true); // Data-In
        const count = () => adapter.diagnostics().reservedIgnored;
        const before = count();
        await disk.testUnitReady();
        expect(count()).toBe(before + 1); // one SCSI Response
        // LUN 5 does not exist: CHECK CONDITION, with LUN 5 echoed in the response's reserved bytes 8-15.
        const err = await disk.testUnitReady(5).catch((e) => e);
        expect(err).toBeInstanceOf(ScsiError);
        expect(err).toMatchObject({ senseKey: 5, asc: 0x25 });
        expect(count()).toBe(before + 2);
        const { hr, output } = await adapter.logoutFromTarget(T).wait();
        expect(hrName(hr)).toBe('S_OK');
        expect(output.sessions.map((s) => s.reason)).toEqual(['logged-out']);
        expect(count()).toBe(before + 3); // the Logout Response
        expect(seen).toEqual([]);
        await done();
      },
    );
  }

  for (const digests of [false, true]) {
    it(
      `data segments over 8 KiB, up to what we declared${
        digests ? ' (with digests)' : ''
      }: a 64 KiB NOP-In ping is answered, a 20 KiB CHECK CONDITION decoded`,
      async () => {
        const { adapter, r, target, done } = await loginTo({ fault: 'long-pdus' }, {
          headerDigest: digests,
          dataDigest: digests,
        });
        expect(hrName(r.hr)).toBe('S_OK');
        const seen: AdapterEvent[] = [];
        adapter.on((e) => seen.push(e));
        const disk = adapter.session(r.output.sessionId!)!;
        await until(() => seen.some((e) => e.type === 'async-other'), 2000, 'the 12 KiB Async Message');
        // the 64 KiB NOP-In (TTT 0x5678) came first
        expect(seen.map(({ sessionId: _, targetId: __, ...e }) => e)).toEqual([
          { type: 'nop-answered', targetTransferTag: 0x5678 },
          { type: 'async-other', asyncEvent: 255, parameter1: 0, parameter2: 0, parameter3: 0 },
        ]);
        await until(() => target.received.some((p) => p.opcode === 0x00), 2000, 'the NOP-Out answering the ping');
        const answer = target.received.find((p) => p.opcode === 0x00)!;
        expect([be32(answer.bhs, 20), answer.dataLength]).toEqual([0x5678, 0]);
        const err = await disk.read(0, 0, 1).catch((e) => e);
        expect(err).toBeInstanceOf(ScsiError);
        expect(err.message).toBe('MEDIUM ERROR: UNRECOVERED READ ERROR');
        expect(err.sense.length).toBe(18); // the sense, not the 20 KiB after it
        expect(adapter.diagnostics().dataSegmentsCut).toBe(3);
        await disk.write(0, 0, pattern(4096, 1));
        await disk.testUnitReady();
        const { hr } = await adapter.logoutFromTarget(T).wait();
        expect(hrName(hr)).toBe('S_OK');
        await done();
      },
    );
  }
});

/** Two sessions to a target that answers each Logout late, and a logout taking one at a time. */
async function twoSessions() {
  const target = await startTarget({ targets: [{ name: T, fault: 'late-response', faultArg: 100 }] });
  const adapter = createAdapter();
  for (let i = 0; i < 2; i++) await adapter.loginToTarget({ target: T, portal: target.portal }).wait();
  const first = adapter.logoutFromTarget(T, { concurrency: 1 });
  return { target, adapter, first };
}

describe('joining and cancelling', () => {
  it('a logout call after a cancel starts a new operation for the sessions the cancel left', async () => {
    const { target, adapter, first } = await twoSessions();
    expect(hrName(first.cancel())).toBe('S_OK');
    const second = adapter.logoutFromTarget(T);
    expect(second).not.toBe(first);
    expect(hrName((await first.wait()).hr)).toBe('VDS_E_OPERATION_CANCELED');
    const { hr, output } = await second.wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions.map((s) => s.reason)).toEqual(['logged-out']);
    expect(target.received.filter((p) => p.opcode === 0x06)).toHaveLength(2);
    await adapter.close();
    await target.close();
  });

  it("a joined handle's cancel does not stop the logout another caller relies on", async () => {
    const { target, adapter, first } = await twoSessions();
    const joined = adapter.logoutFromTarget(T);
    expect(hrName(joined.cancel())).toBe('VDS_E_CANCEL_TOO_LATE');
    expect(hrName((await first.wait()).hr)).toBe('S_OK');
    expect(hrName((await joined.wait()).hr)).toBe('S_OK');
    await adapter.close();
    await target.close();
  });

  it('a joined logout is cancelled once every caller sharing it has asked', async () => {
    const { target, adapter, first } = await twoSessions();
    const joined = adapter.logoutFromTarget(T);
    expect(hrName(joined.cancel())).toBe('VDS_E_CANCEL_TOO_LATE');
    expect(hrName(first.cancel())).toBe('S_OK');
    expect(hrName((await joined.wait()).hr)).toBe('VDS_E_OPERATION_CANCELED');
    await adapter.close();
    await target.close();
  });
});
