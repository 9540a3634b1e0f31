// Task management (docs/io.md): a command that timed out or was aborted ends for its caller at
// once, whatever the target then does with its ABORT TASK; a failed abort escalates to LOGICAL
// UNIT RESET, a failed reset drops the connection; a session whose target stopped answering keeps
// its commands' places but never takes another session's. Played against the built-in target's
// task management faults, through the public API only.
import { describe, expect, it } from 'vitest';
import { type Adapter, type AdapterOptions, createAdapter, IscsiError, type Session } from 'iscsi-adapter';
import { type RunningTarget, startTarget, type TargetSpec } from 'iscsi-adapter/target';
import { sleep, until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:tmf';
const T2 = 'iqn.2026-11.dev.iscsi-adapter:tmf-other';
const LONG = 600_000; // a command timeout that never runs out during a test

interface Env {
  target: RunningTarget;
  adapter: Adapter;
  /** One session per target spec, in order. */
  disks: Session[];
  /** Every event the adapter emitted, as `type p1 p2`. */
  events: string[];
  /** The session each event named. */
  eventSessions: (string | undefined)[];
}

async function setup(targets: TargetSpec[], opts: AdapterOptions = {}): Promise<Env> {
  const target = await startTarget({ targets });
  const adapter = createAdapter(opts);
  const events: string[] = [];
  const eventSessions: (string | undefined)[] = [];
  adapter.on((e) => {
    const { type, sessionId: _, targetId: __, ...fields } = e;
    events.push([type, ...Object.entries(fields).map(([k, v]) => `${k}=${v}`)].join(' '));
    eventSessions.push(e.sessionId);
  });
  const disks: Session[] = [];
  for (const t of targets) {
    const out = await adapter.loginToTarget({ target: t.name, portal: target.portal }).result();
    disks.push(adapter.session(out.sessionId!)!);
  }
  return { target, adapter, disks, events, eventSessions };
}
async function done(env: Env) {
  await env.adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
  expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  await env.target.close();
}

const be32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o);
const bytes = (b: Uint8Array, from: number, to: number) => [...b.subarray(from, to)];
/** The SCSI Command PDUs (opcode 0x01) and task management requests (0x02) a target received. */
const commands = (t: RunningTarget, name = T) =>
  t.received.filter((p) => p.opcode === 0x01 && p.target === name).map((p) => p.bhs);
const tmfs = (t: RunningTarget, name = T) =>
  t.received.filter((p) => p.opcode === 0x02 && p.target === name).map((p) => p.bhs);
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const reasonOf = (p: Promise<unknown>) =>
  p.then(() => 'resolved', (e) => (e instanceof IscsiError ? String(e.reason) : `not an IscsiError: ${e}`));
const LUN0 = [0, 0, 0, 0, 0, 0, 0, 0];
const LUN1 = [0, 1, 0, 0, 0, 0, 0, 0];

/** An AbortSignal whose 'abort' listeners are counted: those added and not removed. */
function watchedSignal() {
  const controller = new AbortController();
  const signal = controller.signal;
  const live = new Set<unknown>();
  let added = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, fn: EventListener, o?: AddEventListenerOptions) => {
    if (type === 'abort') {
      added++;
      live.add(fn);
    }
    add(type, fn, o);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, fn: EventListener, o?: EventListenerOptions) => {
    if (type === 'abort') live.delete(fn);
    remove(type, fn, o);
  }) as typeof signal.removeEventListener;
  return { controller, signal, live, added: () => added };
}

const RESPONSES = [
  [255, 'function rejected'],
  [5, 'not supported'],
  [1, 'task does not exist'],
] as const;

describe('an ABORT TASK the target does not complete escalates to LOGICAL UNIT RESET', () => {
  for (const [response, meaning] of RESPONSES) {
    for (const how of ['timeout', 'aborted'] as const) {
      it(`answered ${response} (${meaning}) for a command ended ${how}`, async () => {
        const env = await setup([{ name: T, fault: 'stall-reject-abort', faultArg: response }], {
          taskManagementTimeoutMs: LONG, // the LUN RESET must not wait for this
        });
        const disk = env.disks[0];
        const others = [disk.testUnitReady(0, { timeoutMs: LONG }), disk.testUnitReady(0, { timeoutMs: LONG })]
          .map(reasonOf);
        const ac = new AbortController();
        const ended = disk.testUnitReady(0, how === 'timeout' ? { timeoutMs: 100 } : { signal: ac.signal });
        await until(() => commands(env.target).length === 3, 5000, 'three commands at the target');
        if (how === 'aborted') ac.abort();
        const err = await ended.catch((e) => e);
        expect(err).toBeInstanceOf(IscsiError);
        expect(err.reason).toBe(how);
        // It ended for its caller without waiting for the target's word on the abort.
        expect(env.events).toEqual([]);

        await until(() => env.events.length === 2, 5000, 'the LUN RESET answered');
        expect(env.events).toEqual([
          `task-management-failed function=abort-task response=${response}`,
          'lun-reset lun=0',
        ]);
        expect(env.eventSessions).toEqual([disk.id, disk.id]);
        const cmd = commands(env.target)[2];
        const [abort, reset, ...more] = tmfs(env.target);
        expect(more).toEqual([]);
        expect(bytes(abort, 0, 2)).toEqual([0x42, 0x81]); // Immediate ABORT TASK
        expect(be32(abort, 20)).toBe(be32(cmd, 16)); // Referenced Task Tag: the command's ITT
        expect(bytes(reset, 0, 2)).toEqual([0x42, 0x85]); // Immediate LOGICAL UNIT RESET
        expect(bytes(reset, 8, 16)).toEqual(bytes(cmd, 8, 16)); // the task's LUN
        expect(be32(reset, 20)).toBe(0xffffffff); // no referenced task
        expect(await Promise.all(others)).toEqual(['lun-reset', 'lun-reset']);
        expect(disk.inflight).toBe(0);

        // The session goes on: the reset LUN answers again.
        const data = pattern(1024, 3);
        await disk.write(0, 10, data);
        expect([...await disk.read(0, 10, 2)]).toEqual([...data]);
        expect(env.adapter.queryTargets()[0].sessions.map((s) => s.state)).toEqual(['logged-in']);
        expect(env.events).toEqual([
          `task-management-failed function=abort-task response=${response}`,
          'lun-reset lun=0',
        ]);
        await done(env);
      });
    }
  }

  it("the reset ends only its own LUN's commands; another LUN's go on until their own escalation", async () => {
    const env = await setup([{ name: T, fault: 'stall-reject-abort' }], { taskManagementTimeoutMs: LONG });
    const disk = env.disks[0];
    const timedOut = reasonOf(disk.testUnitReady(1, { timeoutMs: 100 }));
    const sameLun = reasonOf(disk.testUnitReady(1, { timeoutMs: LONG }));
    const ac = new AbortController();
    const otherLun = reasonOf(disk.testUnitReady(0, { signal: ac.signal }));
    expect(await timedOut).toBe('timeout');
    expect(await sameLun).toBe('lun-reset');
    expect(env.events).toEqual(['task-management-failed function=abort-task response=255', 'lun-reset lun=1']);
    expect(disk.inflight).toBe(1); // LUN 0's command

    ac.abort();
    expect(await otherLun).toBe('aborted');
    await until(() => env.events.length === 4, 5000, 'the second LUN RESET answered');
    expect(env.events).toEqual([
      'task-management-failed function=abort-task response=255',
      'lun-reset lun=1',
      'task-management-failed function=abort-task response=255',
      'lun-reset lun=0',
    ]);
    const [first, , third] = commands(env.target);
    const sent = tmfs(env.target);
    expect(sent.map((b) => b[1])).toEqual([0x81, 0x85, 0x81, 0x85]);
    expect(sent.map((b) => bytes(b, 8, 16))).toEqual([LUN1, LUN1, LUN0, LUN0]);
    expect([be32(sent[0], 20), be32(sent[2], 20)]).toEqual([be32(first, 16), be32(third, 16)]);
    expect((await disk.read(0, 0, 1)).length).toBe(512);
    await done(env);
  });

  it('a SCSI Response for the task after its LUN was reset is dropped (late-pdu-dropped), not the session', async () => {
    const env = await setup([{ name: T, fault: 'late-answer', faultArg: 255 }], { taskManagementTimeoutMs: LONG });
    const disk = env.disks[0];
    expect(await reasonOf(disk.testUnitReady(0, { timeoutMs: 100 }))).toBe('timeout');
    await until(() => env.events.length === 3, 5000, 'the late answer');
    expect(env.events).toEqual([
      'task-management-failed function=abort-task response=255',
      'lun-reset lun=0',
      'late-pdu-dropped opcode=33',
    ]);
    expect(env.adapter.queryTargets()[0].sessions.map((s) => s.state)).toEqual(['logged-in']);
    expect((await disk.read(0, 0, 1)).length).toBe(512);
    expect(env.events).toHaveLength(3);
    await done(env);
  });

  it('a SCSI Response for the task after its ABORT TASK completed is dropped (late-pdu-dropped), not the session', async () => {
    const env = await setup([{ name: T, fault: 'late-answer' }], { taskManagementTimeoutMs: LONG });
    const disk = env.disks[0];
    const ac = new AbortController();
    const p = reasonOf(disk.testUnitReady(0, { signal: ac.signal }));
    await until(() => commands(env.target).length === 1, 5000, 'the command at the target');
    ac.abort();
    expect(await p).toBe('aborted');
    await until(() => env.events.length === 1, 5000, 'the late answer');
    expect(env.events).toEqual(['late-pdu-dropped opcode=33']);
    expect(tmfs(env.target).map((b) => b[1])).toEqual([0x81]); // no escalation
    expect(env.adapter.queryTargets()[0].sessions.map((s) => s.state)).toEqual(['logged-in']);
    await done(env);
  });

  it("the task's SCSI Response between the rejected abort and the reset's answer does not lose the reset", async () => {
    const env = await setup([{ name: T, fault: 'answer-rejected-abort' }], { taskManagementTimeoutMs: LONG });
    const disk = env.disks[0];
    const other = reasonOf(disk.testUnitReady(0, { timeoutMs: LONG }));
    expect(await reasonOf(disk.testUnitReady(0, { timeoutMs: 100 }))).toBe('timeout');
    await until(() => env.events.length === 2, 5000, 'the LUN RESET answered');
    expect(env.events).toEqual(['task-management-failed function=abort-task response=255', 'lun-reset lun=0']);
    expect(await other).toBe('lun-reset');
    expect(tmfs(env.target).map((b) => b[1])).toEqual([0x81, 0x85]);
    expect((await disk.read(0, 0, 1)).length).toBe(512);
    expect(env.events).toHaveLength(2);
    await done(env);
  });
});

describe('task management the target never answers', () => {
  it('ABORT TASK, then LUN RESET, each unanswered for taskManagementTimeoutMs: the connection is dropped', async () => {
    const env = await setup([{ name: T, fault: 'stall-silent' }], { taskManagementTimeoutMs: 200, recovery: false });
    const disk = env.disks[0];
    const settled: string[] = [];
    const others = [disk.testUnitReady(0, { timeoutMs: LONG }), disk.testUnitReady(1, { timeoutMs: LONG })]
      .map((p) => reasonOf(p).then((r) => (settled.push(r), r)));
    expect(await reasonOf(disk.testUnitReady(0, { timeoutMs: 100 }))).toBe('timeout');
    expect(env.events).toEqual([]);
    // Two steps of 200 ms: a bound far above them, and far below the 15 s default each would take.
    await until(() => env.events.includes('connection-lost'), 5000, 'the connection dropped');
    expect(env.events).toEqual([
      'task-management-failed function=abort-task response=no-answer', // 256: no answer in time
      'task-management-failed function=lun-reset response=no-answer',
      'connection-lost',
    ]);
    expect(await Promise.all(others)).toEqual(['session-lost', 'session-lost']);
    expect(settled).toEqual(['session-lost', 'session-lost']);
    expect(disk.inflight).toBe(0);
    expect(env.adapter.session(disk.id)).toBeUndefined();
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    // Nothing left even before close: the socket is closed and no timer armed.
    expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    await until(() => tmfs(env.target).length === 2, 5000, 'both requests at the target');
    const [abort, reset] = tmfs(env.target);
    expect([abort[1], reset[1]]).toEqual([0x81, 0x85]);
    expect(be32(abort, 20)).toBe(be32(commands(env.target)[2], 16));
    await done(env);
  });
});

describe('the command pool', () => {
  it("a session whose target stopped answering keeps its commands' places, never another session's", async () => {
    const env = await setup([{ name: T, fault: 'stall-silent' }, { name: T2 }], {
      maxCommands: 8,
      maxCommandsPerSession: 4,
      taskManagementTimeoutMs: LONG,
    });
    const [hung, healthy] = env.disks;
    const data = Array.from({ length: 4 }, (_, i) => pattern(512, i));
    for (let i = 0; i < 4; i++) await healthy.write(0, i, data[i]);

    // Two commands time out (their ABORT TASK is never answered), two stay in flight: four held.
    const timedOut = [hung.testUnitReady(0, { timeoutMs: 50 }), hung.testUnitReady(0, { timeoutMs: 50 })].map(reasonOf);
    const stuck = [hung.testUnitReady(0, { timeoutMs: LONG }), hung.testUnitReady(0, { timeoutMs: LONG })].map(
      reasonOf,
    );
    expect(await Promise.all(timedOut)).toEqual(['timeout', 'timeout']);
    await until(() => tmfs(env.target).length === 2, 5000, 'two ABORT TASKs at the target');
    expect(hung.inflight).toBe(2);
    const before = env.target.received.length;
    // A fifth waits for a place (none comes back: the target answers nothing) until its deadline.
    const fifth = hung.testUnitReady(0, { timeoutMs: 50 }).catch((e) => e);
    expect(hung.inflight).toBe(3); // counted from its call on
    expect((await fifth).reason).toBe('timeout');
    expect(hung.inflight).toBe(2);
    expect(env.target.received.length).toBe(before); // nothing went out for it

    const reads = [0, 1, 2, 3].map((i) => healthy.read(0, i, 1));
    expect(healthy.inflight).toBe(4); // all four at once
    expect((await Promise.all(reads)).map((b) => [...b])).toEqual(data.map((d) => [...d]));
    expect(env.events).toEqual([]);
    await done(env);
    expect(await Promise.all(stuck)).toEqual(['aborted-by-logout', 'aborted-by-logout']);
  });
});

describe('ABORT TASK on the wire', () => {
  it('names the task by ITT and CmdSN, and sends ExpDataSN 0 even after Data-In arrived', async () => {
    const env = await setup([{ name: T, fault: 'stall-after-data' }]);
    const disk = env.disks[0];
    const data = pattern(1024, 9);
    await disk.write(0, 0, data);
    const into = new Uint8Array(4096);
    const ac = new AbortController();
    const p = reasonOf(disk.read(0, 0, 8, { into, signal: ac.signal }));
    // Two Data-In (DataSN 0 and 1) have landed in the buffer.
    await until(() => into.subarray(0, 1024).every((b, i) => b === data[i]), 5000, 'the first Data-In');
    ac.abort();
    expect(await p).toBe('aborted');
    await until(() => tmfs(env.target).length === 1, 5000, 'ABORT TASK');
    const read = commands(env.target).find((b) => b[32] === 0x28)!;
    const abort = tmfs(env.target)[0];
    expect(bytes(abort, 0, 2)).toEqual([0x42, 0x81]);
    expect(bytes(abort, 8, 16)).toEqual(bytes(read, 8, 16)); // LUN
    expect(be32(abort, 20)).toBe(be32(read, 16)); // Referenced Task Tag = the read's ITT
    expect(be32(abort, 24)).toBe(be32(read, 24) + 1); // its own CmdSN: the next one (Immediate)
    expect(be32(abort, 32)).toBe(be32(read, 24)); // RefCmdSN = the read's CmdSN
    expect(bytes(abort, 36, 40)).toEqual([0, 0, 0, 0]); // ExpDataSN: reserved for ABORT TASK
    expect(into.subarray(1024).every((b) => b === 0)).toBe(true);
    expect(env.events).toEqual([]);
    await done(env);
  });
});

describe('an AbortSignal that outlives its command', () => {
  it('a command refused (logging-out) keeps no listener, and its signal aborts nothing that reused its slot', async () => {
    const env = await setup([{ name: T, fault: 'stall' }, { name: T2, fault: 'stall' }]);
    const [leaving, other] = env.disks;
    const drainer = new AbortController();
    const draining = reasonOf(leaving.testUnitReady(0, { signal: drainer.signal, timeoutMs: LONG }));
    const logout = env.adapter.logoutFromTarget(T, { drainTimeoutMs: LONG });

    const stale = watchedSignal();
    expect(await reasonOf(leaving.testUnitReady(0, { signal: stale.signal }))).toBe('logging-out');
    expect(stale.live.size).toBe(0);

    const victimAc = new AbortController();
    const victim = reasonOf(other.testUnitReady(0, { signal: victimAc.signal, timeoutMs: LONG }));
    await until(() => commands(env.target, T2).length === 1, 5000, 'the command at the other target');
    // The ITT's low 12 bits are the task slot: the draining command holds 0, the refused one
    // took 1 and gave it back, and the new command on the other session has it now.
    expect(be32(commands(env.target, T)[0], 16) & 0xfff).toBe(0);
    expect(be32(commands(env.target, T2)[0], 16) & 0xfff).toBe(1);

    stale.controller.abort();
    expect(other.inflight).toBe(1);
    await sleep(50);
    expect(other.inflight).toBe(1);
    expect(tmfs(env.target, T2)).toEqual([]);

    drainer.abort(); // the drain ends; the Logout goes out
    expect(await draining).toBe('aborted');
    expect((await logout.wait()).output.sessions.map((s) => s.reason)).toEqual(['logged-out']);
    victimAc.abort();
    expect(await victim).toBe('aborted');
    await until(() => tmfs(env.target, T2).length === 1, 5000, "the victim's own ABORT TASK");
    expect(be32(tmfs(env.target, T2)[0], 20)).toBe(be32(commands(env.target, T2)[0], 16));
    await done(env);
  });

  it('a command that completed removed its listener, and its signal aborts nothing that reused its slot', async () => {
    const env = await setup([{ name: T }, { name: T2, fault: 'stall' }]);
    const [first, other] = env.disks;
    const stale = watchedSignal();
    await first.testUnitReady(0, { signal: stale.signal });
    expect([stale.added(), stale.live.size]).toEqual([1, 0]);

    const victimAc = new AbortController();
    const victim = reasonOf(other.testUnitReady(0, { signal: victimAc.signal, timeoutMs: LONG }));
    await until(() => commands(env.target, T2).length === 1, 5000, 'the command at the other target');
    expect(be32(commands(env.target, T2)[0], 16) & 0xfff).toBe(be32(commands(env.target, T)[0], 16) & 0xfff);

    stale.controller.abort();
    expect(other.inflight).toBe(1);
    await sleep(50);
    expect(other.inflight).toBe(1);
    expect(tmfs(env.target, T2)).toEqual([]);
    victimAc.abort();
    expect(await victim).toBe('aborted');
    await done(env);
  });

  it('a command that timed out removed its listener', async () => {
    const env = await setup([{ name: T, fault: 'stall' }]);
    const watched = watchedSignal();
    expect(await reasonOf(env.disks[0].testUnitReady(0, { signal: watched.signal, timeoutMs: 50 }))).toBe('timeout');
    expect([watched.added(), watched.live.size]).toEqual([1, 0]);
    await done(env);
  });
});
