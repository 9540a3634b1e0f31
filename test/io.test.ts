// SCSI I/O on a session (docs/io.md) against the built-in target: commands, data both ways,
// errors, and LogoutFromTarget with commands in flight under each policy.
import { describe, expect, it } from 'vitest';
import { type AdapterEvent, type AdapterOptions, hrName, IscsiError, ScsiError } from 'iscsi-adapter';
import type { RunningTarget, TargetSpec } from 'iscsi-adapter/target';
import { until } from './helpers/env.ts';
import { done, ownDisk } from './helpers/own-disk.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:io';

const disk = (spec: Partial<TargetSpec> = {}, sessions = 1, opts: AdapterOptions = {}) =>
  ownDisk(T, spec, sessions, opts);
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('SCSI commands', () => {
  it('INQUIRY with the unit serial number, READ CAPACITY, REPORT LUNS and TEST UNIT READY', async () => {
    const env = await disk();
    // The VPD pages beyond the serial number are checked in scsi-more.test.ts.
    expect(await env.disk.inquiry()).toEqual({
      peripheralType: 0,
      vendor: 'IA',
      product: 'ISCSI-ADAPTER',
      revision: '0001',
      serial: 'IA-0001',
      vpdPages: [0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2],
      identification: expect.any(Array),
      blockLimits: expect.any(Object),
    });
    expect(await env.disk.readCapacity()).toEqual({ blocks: 16384n, blockSize: 512 });
    expect(await env.disk.reportLuns()).toEqual([0]);
    await env.disk.testUnitReady();
    await done(env);
  });

  it('a 1 MiB write (immediate data, then R2Ts) reads back byte for byte', async () => {
    const env = await disk();
    const data = pattern(1 << 20, 7);
    await env.disk.write(0, 100, data);
    const back = await env.disk.read(0, 100, data.length / 512);
    expect(same(back, data)).toBe(true);
    await done(env);
  });
});

describe('errors a command can end with', () => {
  it("an AbortSignal keeps its own reason as the error's cause, aborted before or while in flight", async () => {
    const env = await disk({ fault: 'stall' });
    const before = new AbortController();
    before.abort(new Error('the caller changed its mind'));
    const early = await env.disk.testUnitReady(0, { signal: before.signal }).catch((e) => e);
    expect([early.reason, String(early.cause)]).toEqual(['aborted', 'Error: the caller changed its mind']);
    const during = new AbortController();
    const late = env.disk.testUnitReady(0, { signal: during.signal, timeoutMs: 0 }).catch((e) => e);
    await until(() => env.target.received.filter((p) => p.opcode === 0x01).length === 1, 3000, 'the command sent');
    during.abort('a plain reason');
    const err = await late;
    expect([err.reason, err.cause]).toEqual(['aborted', 'a plain reason']);
    await done(env);
  });

  it('a read too large for one command is a RangeError that says so, before any buffer is made', async () => {
    const env = await disk();
    await env.disk.readCapacity();
    const err = await env.disk.read(0, 0, 0xffffffff).catch((e) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe('4294967295 blocks of 512 bytes do not fit one command (4 GiB at most)');
    await done(env);
  });

  it('a read past the end is a ScsiError ILLEGAL REQUEST, and the session keeps working', async () => {
    const env = await disk();
    const err = await env.disk.read(0, 16383, 2).catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err).toMatchObject({ status: 0x02, senseKey: 5, asc: 0x21, ascq: 0 });
    expect(err.message).toBe('ILLEGAL REQUEST: LOGICAL BLOCK ADDRESS OUT OF RANGE');
    expect((await env.disk.read(0, 16383, 1)).length).toBe(512);
    await done(env);
  });

  it('CHECK CONDITION with sense from the target names the sense key and ASC', async () => {
    const env = await disk({ fault: 'check-condition' });
    const err = await env.disk.read(0, 0, 1).catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.message).toBe('MEDIUM ERROR: UNRECOVERED READ ERROR');
    await done(env);
  });

  it('descriptor-format sense is decoded: sense key, ASC and the LBA from the Information descriptor', async () => {
    const env = await disk({ fault: 'descriptor-sense' });
    const err = await env.disk.read(0, 77, 1).catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.message).toBe('MEDIUM ERROR: UNRECOVERED READ ERROR');
    expect(err).toMatchObject({ status: 0x02, senseKey: 3, asc: 0x11, ascq: 0, information: 77n });
    expect([...err.sense]).toEqual([0x72, 3, 0x11, 0, 0, 0, 0, 12, 0x00, 0x0a, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 77]);
    await done(env);
  });

  it('a UNIT ATTENTION is surfaced as an event and the command is sent again, once', async () => {
    const env = await disk({ fault: 'unit-attention' });
    const seen: AdapterEvent[] = [];
    env.adapter.on((e) => seen.push(e));
    expect(await env.disk.readCapacity()).toEqual({ blocks: 16384n, blockSize: 512 });
    expect(seen).toEqual([{
      type: 'unit-attention',
      asc: 0x29,
      ascq: 0,
      sessionId: env.disk.id,
      targetId: expect.any(String),
    }]); // power on or reset
    expect(env.target.received.filter((p) => p.opcode === 0x01)).toHaveLength(2);
    await done(env);
  });

  it('several pending UNIT ATTENTIONs (reported one per command) are absorbed, up to four sends again', async () => {
    const env = await disk({ fault: 'unit-attention', faultArg: 4 });
    const seen: AdapterEvent[] = [];
    env.adapter.on((e) => seen.push(e));
    expect(await env.disk.readCapacity()).toEqual({ blocks: 16384n, blockSize: 512 });
    expect(seen.map((e) => e.type)).toEqual(Array(4).fill('unit-attention'));
    expect(env.target.received.filter((p) => p.opcode === 0x01)).toHaveLength(5);
    await done(env);
  });

  it("a fifth UNIT ATTENTION for the same command is the caller's: a ScsiError naming it", async () => {
    const env = await disk({ fault: 'unit-attention', faultArg: 5 });
    const err = await env.disk.testUnitReady().catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.message).toMatch(/UNIT ATTENTION/);
    expect(env.target.received.filter((p) => p.opcode === 0x01)).toHaveLength(5);
    expect(await env.disk.readCapacity()).toEqual({ blocks: 16384n, blockSize: 512 }); // the conditions are spent
    await done(env);
  });

  it('a Data-In at the wrong BufferOffset drops the session; its command ends session-lost', async () => {
    const env = await disk({ fault: 'bad-offset' }, 1, { recovery: false });
    const err = await env.disk.read(0, 0, 2048).catch((e) => e); // 1 MiB: several Data-In
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('session-lost');
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    await done(env);
  });

  it('a command with no answer in time ends timeout and is aborted on the wire (ABORT TASK)', async () => {
    const env = await disk({ fault: 'stall' });
    const err = await env.disk.testUnitReady(0, { timeoutMs: 50 }).catch((e) => e);
    expect(err.reason).toBe('timeout');
    await until(() => env.target.received.some((p) => p.opcode === 0x02), 2000, 'ABORT TASK');
    const tmf = env.target.received.find((p) => p.opcode === 0x02)!.bhs;
    expect([tmf[0], tmf[1]]).toEqual([0x42, 0x81]);
    expect(env.disk.inflight).toBe(0);
    await done(env);
  });

  it('an AbortSignal ends the command aborted', async () => {
    const env = await disk({ fault: 'stall' });
    const ac = new AbortController();
    const p = env.disk.testUnitReady(0, { signal: ac.signal });
    expect(env.disk.inflight).toBe(1);
    ac.abort();
    expect((await p.catch((e) => e)).reason).toBe('aborted');
    await done(env);
  });

  it('bad arguments are rejected with TypeError or RangeError and nothing is sent', async () => {
    const env = await disk();
    await env.disk.readCapacity();
    const before = env.target.received.length;
    const errs = await Promise.all([
      env.disk.read(0, -1, 1),
      env.disk.read(0, 1.5, 1),
      env.disk.read(0, 0, 0),
      env.disk.read(16384, 0, 1),
      env.disk.write(0, 0, new Uint8Array(100)),
      env.disk.read(0, 'x' as unknown as number, 1),
    ].map((p) => p.then(() => undefined, (e) => e.name)));
    expect(errs).toEqual(['RangeError', 'RangeError', 'RangeError', 'RangeError', 'RangeError', 'TypeError']);
    expect(env.target.received.length).toBe(before);
    await done(env);
  });
});

describe('READ CAPACITY past 2^32 blocks', () => {
  const cdbs = (t: RunningTarget) => t.received.filter((p) => p.opcode === 0x01).map((p) => p.bhs[32]);

  it('(10) answering 0xFFFFFFFF after (16) was BUSY: (16) is asked again and its answer used', async () => {
    const env = await disk({ fault: 'capacity-16-busy-once' });
    expect(await env.disk.readCapacity()).toEqual({ blocks: 1n << 33n, blockSize: 512 });
    expect(cdbs(env.target)).toEqual([0x9e, 0x25, 0x9e]);
    await done(env);
  });

  it('(16) failing again rejects with a ScsiError that says so, and no block size is learnt', async () => {
    const env = await disk({ fault: 'capacity-16-not-ready' });
    const err = await env.disk.readCapacity().catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.message).toBe(
      'READ CAPACITY (10) cannot give the capacity (last LBA 0xFFFFFFFF) and READ CAPACITY (16) failed: ' +
        'NOT READY: LOGICAL UNIT IS IN PROCESS OF BECOMING READY',
    );
    expect(err).toMatchObject({ status: 0x02, senseKey: 2, asc: 0x04, ascq: 0x01 });
    expect(cdbs(env.target)).toEqual([0x9e, 0x25, 0x9e]);
    expect((await env.disk.read(0, 0, 1).catch((e) => e)).message).toBe(err.message); // asks READ CAPACITY again
    expect(cdbs(env.target)).toEqual([0x9e, 0x25, 0x9e, 0x9e, 0x25, 0x9e]);
    await done(env);
  });
});

describe('scsi(): any CDB', () => {
  const inquiry = (allocation: number) => Uint8Array.of(0x12, 0, 0, 0, allocation, 0);
  const head = [0, 0, 6, 2, 31, 0, 0, 0, ...new TextEncoder().encode('IA      ')];

  it('says underflow when the target sent less than the buffer holds', async () => {
    const env = await disk();
    const r = await env.disk.scsi(0, inquiry(96), { dataIn: 96 });
    expect({ ...r, data: r.data?.length }).toEqual({
      status: 0,
      data: 36,
      sense: undefined,
      underflow: true,
      overflow: false,
      residual: 60,
    });
    expect([...r.data!.subarray(0, 16)]).toEqual(head);
    await done(env);
  });

  it('says overflow when the target had more than the buffer holds', async () => {
    const env = await disk();
    const r = await env.disk.scsi(0, inquiry(96), { dataIn: 16 });
    expect({ ...r, data: r.data && [...r.data] }).toEqual({
      status: 0,
      data: head,
      sense: undefined,
      underflow: false,
      overflow: true,
      residual: 20,
    });
    await done(env);
  });

  it('says neither when the data fits exactly, and gives the sense of a CHECK CONDITION', async () => {
    const env = await disk({ fault: 'descriptor-sense' });
    const fit = await env.disk.scsi(0, inquiry(36), { dataIn: 36 });
    expect([fit.status, fit.data?.length, fit.underflow, fit.overflow, fit.residual]).toEqual([0, 36, false, false, 0]);
    const read10 = Uint8Array.of(0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0);
    const r = await env.disk.scsi(0, read10, { dataIn: 512 });
    expect([r.status, r.underflow, r.overflow, r.sense?.length, r.sense?.[0]]).toEqual([0x02, false, false, 20, 0x72]);
    await done(env);
  });
});

describe('LogoutFromTarget with commands in flight', () => {
  it('drain (default): 64 writes in flight all complete, then the session logs out', async () => {
    const env = await disk();
    await env.disk.readCapacity();
    const writes = Array.from({ length: 64 }, (_, i) => env.disk.write(0, i * 8, pattern(4096, i)));
    const { hr, output } = await env.adapter.logoutFromTarget(T).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions[0]).toMatchObject({ reason: 'logged-out', commandsDrained: 64, commandsAborted: 0 });
    expect((await Promise.allSettled(writes)).every((r) => r.status === 'fulfilled')).toBe(true);
    await done(env);
  });

  it('drain on a cold session: reads waiting for the block size are drained as themselves, one lookup for all', async () => {
    const env = await disk();
    const data = pattern(8 * 4096, 3);
    {
      // The data, written through a session of its own so that this one stays cold.
      const writer = await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).result();
      await env.adapter.session(writer.sessionId!)!.write(0, 0, data);
    }
    const cold = env.adapter.session(
      (await env.adapter.loginToTarget({ target: T, portal: env.target.portal }).result()).sessionId!,
    )!;
    const before = env.target.received.length;
    const reads = Array.from({ length: 8 }, (_, i) => cold.read(0, i * 8, 8));
    expect(cold.inflight).toBe(8); // eight commands from the caller's view, though one lookup is on the wire
    const { hr, output } = await env.adapter.logoutFromTarget(T).wait();
    expect(hrName(hr)).toBe('S_OK');
    const mine = output.sessions.find((o) => o.sessionId === cold.id)!;
    expect(mine).toMatchObject({ reason: 'logged-out', commandsDrained: 8, commandsAborted: 0 });
    const got = await Promise.all(reads);
    got.forEach((b, i) => expect(same(b, data.subarray(i * 4096, (i + 1) * 4096))).toBe(true));
    const sent = env.target.received.slice(before).filter((p) => p.opcode === 0x01).map((p) => p.bhs[32]);
    expect(sent.filter((op) => op === 0x9e)).toHaveLength(1); // one READ CAPACITY (16), shared
    expect(sent.filter((op) => op === 0x28)).toHaveLength(8);
    await done(env);
  });

  it('abort on a cold session: reads waiting for the block size end aborted-by-logout, counted once each', async () => {
    const env = await disk({ fault: 'stall' });
    // Settled from the start: the logout rejects them while this test waits for it.
    const reads = Promise.allSettled(Array.from({ length: 4 }, (_, i) => env.disk.read(0, i, 1)));
    const { output } = await env.adapter.logoutFromTarget(T, { inflight: 'abort' }).wait();
    expect(output.sessions[0]).toMatchObject({ reason: 'logged-out', commandsDrained: 0, commandsAborted: 4 });
    // One lookup for the four, aborted; the reads themselves were never sent.
    const sent = env.target.received.filter((p) => p.opcode === 0x01).map((p) => p.bhs[32]);
    expect(sent).toEqual([0x9e]);
    for (const r of await reads) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason.reason).toBe('aborted-by-logout');
    }
    await done(env);
  });

  it('past maxCommandsPerSession commands wait their turn, in order, and every one completes', async () => {
    const env = await disk({}, 1, { maxCommands: 8, maxCommandsPerSession: 2 });
    await env.disk.readCapacity();
    const data = Array.from({ length: 12 }, (_, i) => pattern(512, i));
    const writes = data.map((d, i) => env.disk.write(0, i, d));
    expect(env.disk.inflight).toBe(12); // two on the wire, ten waiting, all the caller's
    await Promise.all(writes);
    const lbas = env.target.received.filter((p) => p.opcode === 0x01 && p.bhs[32] === 0x2a).map((p) => p.bhs[37]);
    expect(lbas).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]); // sent in the order they were issued
    for (let i = 0; i < 12; i++) expect(same(await env.disk.read(0, i, 1), data[i])).toBe(true);
    await done(env);
  });

  it('past the whole pool (maxCommands) commands on every session wait their turn and complete', async () => {
    const env = await disk({}, 2, { maxCommands: 4, maxCommandsPerSession: 4 });
    for (const d of env.disks) await d.readCapacity();
    const data = Array.from({ length: 16 }, (_, i) => pattern(512, i + 40));
    // Sixteen writes over two sessions that share four places: twelve wait at first.
    await Promise.all(data.map((d, i) => env.disks[i % 2].write(0, i, d)));
    for (let i = 0; i < 16; i++) expect(same(await env.disks[0].read(0, i, 1), data[i])).toBe(true);
    await done(env);
  });

  it('drain with commands waiting for a place: each is drained as itself', async () => {
    const env = await disk({ fault: 'late-response', faultArg: 20 }, 1, { maxCommands: 8, maxCommandsPerSession: 2 });
    await env.disk.readCapacity();
    const reads = Array.from({ length: 6 }, (_, i) => env.disk.read(0, i, 1));
    const { hr, output } = await env.adapter.logoutFromTarget(T).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions[0]).toMatchObject({ reason: 'logged-out', commandsDrained: 6, commandsAborted: 0 });
    expect((await Promise.allSettled(reads)).map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    await done(env);
  });

  it('abort with commands waiting for a place: each ends aborted-by-logout, counted, the waiting ones never sent', async () => {
    const env = await disk({ fault: 'stall' }, 1, { maxCommands: 8, maxCommandsPerSession: 2 });
    const before = env.target.received.length;
    const turs = Promise.allSettled(Array.from({ length: 5 }, () => env.disk.testUnitReady()));
    const { output } = await env.adapter.logoutFromTarget(T, { inflight: 'abort' }).wait();
    expect(output.sessions[0]).toMatchObject({ reason: 'logged-out', commandsDrained: 0, commandsAborted: 5 });
    for (const r of await turs) expect((r as PromiseRejectedResult).reason.reason).toBe('aborted-by-logout');
    expect(env.target.received.slice(before).filter((p) => p.opcode === 0x01)).toHaveLength(2);
    await done(env);
  });

  it('an AbortSignal takes a waiting command out of the line; it is never sent', async () => {
    const env = await disk({ fault: 'late-response', faultArg: 50 }, 1, { maxCommands: 8, maxCommandsPerSession: 1 });
    await env.disk.readCapacity();
    const before = env.target.received.length;
    const first = env.disk.testUnitReady();
    const ac = new AbortController();
    const second = env.disk.testUnitReady(0, { signal: ac.signal }).catch((e) => e);
    expect(env.disk.inflight).toBe(2);
    ac.abort(new Error('changed my mind'));
    const e = await second;
    expect(e.reason).toBe('aborted');
    expect(e.cause.message).toBe('changed my mind');
    expect(env.disk.inflight).toBe(1);
    await first;
    expect(env.target.received.slice(before).filter((p) => p.opcode === 0x01)).toHaveLength(1);
    await done(env);
  });

  it('drain: a new command on the leaving session is refused (logging-out)', async () => {
    const env = await disk({ fault: 'late-response', faultArg: 100 });
    await env.disk.readCapacity();
    const w = env.disk.write(0, 0, pattern(512, 1));
    const op = env.adapter.logoutFromTarget(T);
    expect((await env.disk.testUnitReady().catch((e) => e)).reason).toBe('logging-out');
    await w;
    expect(hrName((await op.wait()).hr)).toBe('S_OK');
    await done(env);
  });

  it('drain: a target that stops answering makes the drain hit its deadline; the logout still completes', async () => {
    const env = await disk({ fault: 'stall' });
    const p = env.disk.testUnitReady(0, { timeoutMs: 600_000 }).catch((e) => e);
    const { hr, output } = await env.adapter.logoutFromTarget(T, { drainTimeoutMs: 100 }).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions[0]).toMatchObject({ reason: 'logged-out', commandsDrained: 0, commandsAborted: 1 });
    expect((await p).reason).toBe('aborted-by-logout');
    await done(env);
  });

  it('abort: the Logout goes out at once and the commands in flight end aborted-by-logout', async () => {
    const env = await disk({ fault: 'stall' });
    const p = env.disk.testUnitReady(0, { timeoutMs: 600_000 }).catch((e) => e);
    const { hr, output } = await env.adapter.logoutFromTarget(T, { inflight: 'abort' }).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions[0]).toMatchObject({ reason: 'logged-out', commandsAborted: 1 });
    expect((await p).reason).toBe('aborted-by-logout');
    await done(env);
  });

  it('refuse: a busy session stays logged in (busy), the idle one logs out: VDS_E_ISCSI_LOGOUT_INCOMPLETE', async () => {
    const env = await disk({ fault: 'stall' }, 2);
    const busy = env.disks[0];
    const p = busy.testUnitReady(0, { timeoutMs: 600_000 }).catch((e) => e);
    const { hr, output } = await env.adapter.logoutFromTarget(T, { inflight: 'refuse' }).wait();
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_INCOMPLETE');
    expect(output.sessions.map((s) => s.reason).sort()).toEqual(['busy', 'logged-out']);
    expect(output.sessions.find((s) => s.reason === 'busy')).toMatchObject({
      hrName: 'VDS_E_ISCSI_LOGOUT_FAILED',
      sessionId: busy.id,
    });
    expect(busy.inflight).toBe(1);
    await done(env);
    expect((await p).reason).toBe('aborted-by-logout');
  });

  it('cancel during a drain leaves the session logged in and its commands running', async () => {
    const env = await disk({ fault: 'stall' });
    const p = env.disk.testUnitReady(0, { timeoutMs: 600_000 }).catch((e) => e);
    const op = env.adapter.logoutFromTarget(T);
    expect(hrName(op.cancel())).toBe('S_OK');
    const { hr, output } = await op.wait();
    expect(hrName(hr)).toBe('VDS_E_OPERATION_CANCELED');
    expect(output.sessions.map((s) => s.reason)).toEqual(['cancelled-before-send']);
    expect(env.disk.inflight).toBe(1);
    await env.disk.testUnitReady(0, { timeoutMs: 50 }).catch((e) => expect(e.reason).toBe('timeout')); // takes commands again
    await done(env);
    expect((await p).reason).toBe('aborted-by-logout');
  });
});
