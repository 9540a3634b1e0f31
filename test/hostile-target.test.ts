// Targets that break the rules (docs/io.md "What the initiator tolerates", docs/events.md):
// every SCSI command ends exactly once whatever the target does, the session goes on where the
// breach concerns one command only, and no byte from the peer throws out of a socket callback.
// Each scenario is one fault of the built-in target (target/faults.ts).
import { describe, expect, it } from 'vitest';
import {
  Adapter,
  type AdapterEvent,
  createAdapter,
  type Host,
  host,
  hrName,
  IscsiError,
  type Session,
} from 'iscsi-adapter';
import { type ReceivedPdu, type RunningTarget, startTarget, type TargetSpec } from 'iscsi-adapter/target';
import { runtime, sleep, until } from './helpers/env.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:hostile';
const GOOD = 'iqn.2026-11.dev.iscsi-adapter:good';

// ---- what reaches the runtime's top level: an exception thrown out of a callback, a rejection
// nobody handled. Each runtime's test runner fails the run on those too; this makes each test say so.
interface TopLevel {
  seen: unknown[];
  stop(): void;
}
function watchTopLevel(): TopLevel {
  const seen: unknown[] = [];
  if (runtime === 'deno') {
    const onError = (e: Event) => seen.push((e as ErrorEvent).error ?? e);
    const onRejection = (e: Event) => seen.push((e as PromiseRejectionEvent).reason);
    globalThis.addEventListener('error', onError);
    globalThis.addEventListener('unhandledrejection', onRejection);
    return {
      seen,
      stop: () => {
        globalThis.removeEventListener('error', onError);
        globalThis.removeEventListener('unhandledrejection', onRejection);
      },
    };
  }
  const proc = (globalThis as unknown as {
    process: { on(ev: string, f: (e: unknown) => void): void; off(ev: string, f: (e: unknown) => void): void };
  }).process;
  const on = (e: unknown) => seen.push(e);
  proc.on('uncaughtException', on);
  proc.on('unhandledRejection', on);
  return {
    seen,
    stop: () => {
      proc.off('uncaughtException', on);
      proc.off('unhandledRejection', on);
    },
  };
}

// ---- one adapter, one session per target name
interface Disk {
  id: string;
  disk: Session;
  negotiated: Record<string, number>;
}
interface Env {
  target: RunningTarget;
  adapter: Adapter;
  events: AdapterEvent[];
  top: TopLevel;
}
async function login(env: Env, name: string): Promise<Disk> {
  const out = await env.adapter.loginToTarget({ target: name, portal: env.target.portal }).result();
  return { id: out.sessionId!, disk: env.adapter.session(out.sessionId!)!, negotiated: out.negotiated! };
}
async function start(targets: TargetSpec[]): Promise<Env> {
  const top = watchTopLevel();
  const target = await startTarget({ targets });
  // Without recovery: the subject is how a session ends when its target breaks it.
  const adapter = createAdapter({ recovery: false });
  const events: AdapterEvent[] = [];
  adapter.on((e) => events.push(e));
  return { target, adapter, events, top };
}
/** The built-in target with `spec` under name T, and one session to it. */
async function disk(spec: Partial<TargetSpec>): Promise<Env & Disk> {
  const env = await start([{ name: T, ...spec }]);
  return { ...env, ...await login(env, T) };
}
async function done(env: Env) {
  await env.adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
  expect(env.adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  await env.target.close();
  await sleep(10); // a throw queued for later would land here
  env.top.stop();
  expect(env.top.seen).toEqual([]);
}

/** The session's events as 'type field=value ...'. */
const eventsOf = (env: Env, id: string) =>
  env.events.filter((e) => e.sessionId === id).map(({ type, sessionId: _, targetId: __, ...fields }) =>
    [type, ...Object.entries(fields).map(([k, v]) => `${k}=${v}`)].join(' ')
  );
/** How p settled, or a failure once ms passed without it settling (naming what reached the top level). */
async function within<T>(p: Promise<T>, ms: number, what: string, top?: TopLevel): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const thrown = top?.seen.length ? `; thrown at the top level: ${top.seen.map(String).join(', ')}` : '';
      reject(new Error(`${what}: still pending after ${ms} ms${thrown}`));
    }, ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
const failure = (p: Promise<unknown>) => p.then((v) => ({ resolved: v }), (e) => e);

const be32 = (b: Uint8Array, o: number) => new DataView(b.buffer, b.byteOffset).getUint32(o);
const of = (t: RunningTarget, opcode: number) => t.received.filter((p) => p.opcode === opcode);
const commands = (t: RunningTarget) => of(t, 0x01);
const tmfs = (t: RunningTarget) => of(t, 0x02);
const dataOuts = (t: RunningTarget) => of(t, 0x05);
const logouts = (t: RunningTarget) => of(t, 0x06);
const itt = (p: ReceivedPdu) => be32(p.bhs, 16);

/** n bytes of a xorshift stream: every 512-byte block differs from every other. */
function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = (seed * 2654435761) | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}
/** -1 when a and b hold the same bytes, else the first offset where they differ. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
const read10 = (lba: number, blocks: number) =>
  Uint8Array.of(0x28, 0, lba >>> 24, lba >>> 16, lba >>> 8, lba, 0, blocks >>> 8, blocks, 0);

const PROTOCOL_ERROR = 'protocol-error: the target broke a rule for this command; it was aborted (ABORT TASK) if ' +
  'still running';
const REJECTED = 'rejected: the target rejected the command (Reject PDU); nothing more comes for it';

describe('R2T', () => {
  it('one R2T longer than MaxBurstLength: that write ends protocol-error and is aborted (ABORT TASK); the session goes on', async () => {
    const env = await disk({ fault: 'r2t-oversize' });
    expect(env.negotiated.MaxBurstLength).toBe(262144);
    await env.disk.readCapacity();
    const err = await within(failure(env.disk.write(0, 0, pattern(1 << 20, 1))), 5000, 'the write', env.top);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('protocol-error');
    expect(err.hrName).toBe('E_FAIL');
    expect(err.message).toBe(`${PROTOCOL_ERROR} (an R2T asked for more than MaxBurstLength)`);

    // ABORT TASK (Immediate, function 1) names the write by its ITT and CmdSN; nothing was sent
    // for the R2T that broke the limit (the write's first 64 KiB went as immediate data).
    const write = commands(env.target).find((p) => p.bhs[32] === 0x2a)!;
    await until(() => tmfs(env.target).length === 1, 3000, 'ABORT TASK');
    const tmf = tmfs(env.target)[0].bhs;
    expect([tmf[0], tmf[1], be32(tmf, 20), be32(tmf, 32)]).toEqual([0x42, 0x81, itt(write), be32(write.bhs, 24)]);
    expect(dataOuts(env.target).filter((p) => itt(p) === itt(write))).toEqual([]);
    expect(env.disk.inflight).toBe(0);

    const data = pattern(1 << 20, 2);
    await env.disk.write(0, 0, data);
    expect(firstDifference(await env.disk.read(0, 0, 2048), data)).toBe(-1);
    expect(tmfs(env.target)).toHaveLength(1);
    expect(eventsOf(env, env.id)).toEqual([]);
    await done(env);
  });

  it(
    'R2Ts asking for 16,384 Data-Out PDUs in one socket chunk (more than one core call queues): every byte goes, in order',
    async () => {
      // MaxBurstLength is a Minimum key and we offer 262144, so no legal R2T asks for more than
      // 512 PDUs of 512 bytes; 32 writes of 256 KiB whose R2Ts come in one write ask for 16,384.
      const env = await disk({ fault: 'r2t-together', faultArg: 32, lun: { size: 8 << 20 } });
      expect(env.negotiated).toMatchObject({
        TargetMaxRecvDataSegmentLength: 512,
        MaxBurstLength: 262144,
        ImmediateData: 0,
        FirstBurstLength: 0,
      });
      await env.disk.readCapacity();
      const data = pattern(8 << 20, 3);
      const burst = 256 << 10;
      const writes = Array.from(
        { length: 32 },
        (_, i) => env.disk.write(0, i * 512, data.subarray(i * burst, (i + 1) * burst), { timeoutMs: 15000 }),
      );
      expect(env.disk.inflight).toBe(32);
      // The target answers nothing before the last byte is in: what one call of the core could not
      // send must go out on the host's next call (ACT_MORE), not wait for inbound traffic.
      await within(Promise.all(writes), 20000, '32 writes', env.top);
      expect(firstDifference(await env.disk.read(0, 0, 16384), data)).toBe(-1);

      // 512 Data-Out per write, 512 bytes each: DataSN 0..511 and BufferOffset 0, 512, ... within
      // each R2T's burst, the F bit on the last one only.
      const sent = commands(env.target).filter((p) => p.bhs[32] === 0x2a);
      expect(sent).toHaveLength(32);
      const outs = dataOuts(env.target);
      expect(outs).toHaveLength(16384);
      expect(outs.filter((p) => p.dataLength !== 512)).toEqual([]);
      for (const cmd of sent) {
        const mine = outs.filter((p) => itt(p) === itt(cmd));
        expect(mine).toHaveLength(512);
        const wrong = mine.findIndex((p, k) =>
          be32(p.bhs, 36) !== k || be32(p.bhs, 40) !== k * 512 || ((p.bhs[1] & 0x80) !== 0) !== (k === 511) ||
          be32(p.bhs, 20) !== be32(mine[0].bhs, 20)
        );
        expect(wrong).toBe(-1);
      }
      expect(eventsOf(env, env.id)).toEqual([]);
      await done(env);
    },
    60000,
  );
});

describe('Reject of a SCSI Command (RFC 7143 §11.17)', () => {
  it('ends that command at once, rejected with the reason named, though it would never time out; no ABORT TASK', async () => {
    const env = await disk({ fault: 'reject-command' }); // reason 0x05
    const err = await within(
      failure(env.disk.testUnitReady(0, { timeoutMs: 0 })),
      3000,
      'the rejected command',
      env.top,
    );
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('rejected');
    expect(err.hrName).toBe('E_FAIL');
    expect(err.message).toBe(`${REJECTED} (reason 0x05, command not supported)`);
    expect(env.disk.inflight).toBe(0);
    expect(eventsOf(env, env.id)).toEqual(['reject reason=5']);

    const data = pattern(64 << 10, 4);
    await env.disk.write(0, 10, data);
    expect(firstDifference(await env.disk.read(0, 10, 128), data)).toBe(-1);
    // An ABORT TASK sent for it would have reached the target before these commands.
    expect(tmfs(env.target)).toEqual([]);
    expect(env.adapter.queryTargets()[0].sessions).toHaveLength(1);
    await done(env);
  });

  it('a rejected Data-Out ends its write rejected with the reason named, and aborts it; the session goes on', async () => {
    const env = await disk({ fault: 'reject-data-out' });
    await env.disk.readCapacity();
    const err = await within(
      failure(env.disk.write(0, 0, pattern(256 << 10, 5), { timeoutMs: 0 })),
      3000,
      'the write whose Data-Out was rejected',
      env.top,
    );
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('rejected');
    expect(err.message).toBe(`${REJECTED} (reason 0x02, data digest error)`);
    // The target may still hold the write: it is aborted by name (ITT, CmdSN).
    const write = commands(env.target).find((p) => p.bhs[32] === 0x2a)!;
    await until(() => tmfs(env.target).length === 1, 3000, 'ABORT TASK');
    const tmf = tmfs(env.target)[0].bhs;
    expect([tmf[0], tmf[1], be32(tmf, 20), be32(tmf, 32)]).toEqual([0x42, 0x81, itt(write), be32(write.bhs, 24)]);
    expect(eventsOf(env, env.id)).toEqual(['reject reason=2']);
    const data = pattern(64 << 10, 6);
    await env.disk.write(0, 10, data);
    expect(firstDifference(await env.disk.read(0, 10, 128), data)).toBe(-1);
    await done(env);
  });

  it('reason 0x0C (waiting for logout): the command ends rejected and the session logs out', async () => {
    const env = await disk({ fault: 'reject-command', faultArg: 0x0c });
    const err = await within(
      failure(env.disk.testUnitReady(0, { timeoutMs: 0 })),
      3000,
      'the rejected command',
      env.top,
    );
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('rejected');
    expect(err.message).toBe(`${REJECTED} (reason 0x0c, waiting for logout)`);
    await until(() => eventsOf(env, env.id).length === 2, 3000, 'the logout');
    expect(eventsOf(env, env.id)).toEqual([
      'reject reason=12',
      'session-logged-out reason=logged-out time2Wait=0 time2Retain=0',
    ]);
    expect(logouts(env.target)).toHaveLength(1);
    expect(tmfs(env.target)).toEqual([]);
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    expect(env.adapter.session(env.id)).toBeUndefined();
    await done(env);
  });
});

describe('the target asks for a logout (AsyncEvent 1, Parameter3 seconds)', () => {
  it('during a LogoutFromTarget drain: the drain finishes, S_OK, every command counted, one Logout', async () => {
    const env = await disk({ fault: 'slow-async-logout', faultArg: 300 });
    await env.disk.readCapacity();
    const order: string[] = [];
    env.adapter.on((e) => order.push(e.type));
    const writes = Array.from(
      { length: 4 },
      (_, i) => env.disk.write(0, i * 8, pattern(4096, i)).then(() => 'written'),
    );
    for (const w of writes) w.then((v) => order.push(v));
    const op = env.adapter.logoutFromTarget(T); // drain (the default): the AsyncEvent comes while it waits
    const { hr, output } = await within(op.wait(), 10000, 'the logout', env.top);
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions).toHaveLength(1);
    expect(output.sessions[0]).toMatchObject({
      sessionId: env.id,
      hrName: 'S_OK',
      reason: 'logged-out',
      commandsDrained: 4,
      commandsAborted: 0,
    });
    // The request came while the writes were in flight (mid-drain), and they all completed.
    expect(order).toEqual(['async-logout-request', 'written', 'written', 'written', 'written']);
    expect(eventsOf(env, env.id)).toEqual(['async-logout-request withinSeconds=2']);
    expect(logouts(env.target)).toHaveLength(1);
    const wire = env.target.received;
    expect(wire.indexOf(logouts(env.target)[0])).toBeGreaterThan(wire.indexOf(dataOuts(env.target).at(-1)!));
    await done(env);
  });

  it('with no logout of ours: commands in flight complete, new ones are refused, then the session logs out on its own', async () => {
    const env = await disk({ fault: 'slow-async-logout', faultArg: 600 });
    await env.disk.readCapacity();
    let inflightWhenAsked = -1;
    env.adapter.on((e) => {
      if (e.type === 'async-logout-request') inflightWhenAsked = env.disk.inflight;
    });
    const writes = Array.from({ length: 4 }, (_, i) => env.disk.write(0, i * 8, pattern(4096, 10 + i)));
    await until(() => eventsOf(env, env.id).length === 1, 3000, 'the AsyncEvent');
    expect(eventsOf(env, env.id)).toEqual(['async-logout-request withinSeconds=2']);
    expect([inflightWhenAsked, env.disk.inflight]).toEqual([4, 4]); // not aborted at once: they have 2 s
    const refused = await failure(env.disk.testUnitReady());
    expect(refused).toBeInstanceOf(IscsiError);
    expect(refused.reason).toBe('logging-out');
    expect(refused.message).toBe('logging-out: refused: the session is logging out');
    expect((await within(Promise.allSettled(writes), 5000, 'the writes', env.top)).map((r) => r.status)).toEqual(
      ['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
    await until(() => eventsOf(env, env.id).length === 2, 5000, 'the logout');
    expect(eventsOf(env, env.id)).toEqual([
      'async-logout-request withinSeconds=2',
      'session-logged-out reason=logged-out time2Wait=0 time2Retain=0',
    ]);
    // That the Logout goes out when the last command ends, not when the limit runs out, is shown
    // with deterministic time by the conformance scenario event-async-logout-request-drains.
    expect(env.adapter.queryTargets()[0].sessions).toEqual([]);
    expect(logouts(env.target)).toHaveLength(1);
    const wire = env.target.received;
    expect(wire.indexOf(logouts(env.target)[0])).toBeGreaterThan(wire.indexOf(dataOuts(env.target).at(-1)!));
    // The refused TEST UNIT READY never went out: READ CAPACITY (16) and the four writes did.
    expect(commands(env.target).map((p) => p.bhs[32])).toEqual([0x9e, 0x2a, 0x2a, 0x2a, 0x2a]);
    await done(env);
  });

  it('commands still in flight when Parameter3 runs out end aborted-by-logout, and the Logout goes', async () => {
    const env = await disk({ fault: 'slow-async-logout', faultArg: 20000 }); // answers after 20 s
    let asked = 0;
    env.adapter.on((e) => {
      if (e.type === 'async-logout-request') asked = Date.now();
    });
    const reads = [0, 8].map((lba) => failure(env.disk.scsi(0, read10(lba, 8), { dataIn: 4096 })));
    const errs = await within(Promise.all(reads), 10000, 'the reads', env.top);
    const waited = Date.now() - asked;
    expect(asked).toBeGreaterThan(0);
    expect(errs.map((e) => [e instanceof IscsiError, e.reason])).toEqual([[true, 'aborted-by-logout'], [
      true,
      'aborted-by-logout',
    ]]);
    expect(waited).toBeGreaterThanOrEqual(1900); // the 2 s the target gave, not at once
    await until(() => eventsOf(env, env.id).length === 2, 3000, 'the logout');
    expect(eventsOf(env, env.id)).toEqual([
      'async-logout-request withinSeconds=2',
      'session-logged-out reason=logged-out time2Wait=0 time2Retain=0',
    ]);
    expect(logouts(env.target)).toHaveLength(1);
    expect(tmfs(env.target)).toEqual([]);
    await done(env);
  });
});

describe('a read answered GOOD with data missing', () => {
  it('ends protocol-error (short data), never resolves over bytes that did not come', async () => {
    const env = await disk({ fault: 'short-read' }); // half the data, GOOD, no residual
    await env.disk.readCapacity();
    const err = await within(failure(env.disk.read(0, 0, 8)), 3000, 'the read', env.top);
    expect(err).toBeInstanceOf(IscsiError);
    expect(err.reason).toBe('protocol-error');
    expect(err.hrName).toBe('E_FAIL');
    expect(err.message).toBe(
      `${PROTOCOL_ERROR} (status GOOD with fewer data bytes than the transfer length less the residual)`,
    );
    // The target gave its status: the session goes on and nothing is aborted.
    await env.disk.write(0, 0, pattern(4096, 5));
    await env.disk.testUnitReady();
    expect(tmfs(env.target)).toEqual([]);
    expect(eventsOf(env, env.id)).toEqual([]);
    await done(env);
  });
});

describe('hostile bytes after login drop that session only, and never throw', () => {
  const cases: [TargetSpec['fault'], string, string][] = [
    ['garbage', '4 KiB of random bytes', 'dsl-too-large'], // a header declaring 13 MB of data
    ['unknown-opcode', 'a PDU with opcode 0x38', 'unknown-opcode'],
    ['r2t-unknown-itt', 'an R2T for an ITT no command has', 'bad-field'],
    ['data-in-out-of-bounds', 'a Data-In past the end of the buffer', 'bad-field'],
    ['huge-dsl', 'a header declaring a DataSegmentLength of 0xFFFFFF', 'dsl-too-large'],
  ];
  for (const [fault, what, code] of cases) {
    it(`${what}: protocol-error then connection-lost, the read ends session-lost; another session still reads and writes`, async () => {
      const env = await start([{ name: T, fault }, { name: GOOD }]);
      const bad = await login(env, T);
      const good = await login(env, GOOD);
      await bad.disk.readCapacity(); // answered; the READ is not
      const err = await within(failure(bad.disk.read(0, 0, 8)), 5000, 'the read', env.top);
      expect(err).toBeInstanceOf(IscsiError);
      expect(err.reason).toBe('session-lost');
      expect(err.hrName).toBe('E_FAIL');
      expect(eventsOf(env, bad.id)).toEqual([`protocol-error error=${code}`, 'connection-lost']);
      expect(env.adapter.session(bad.id)).toBeUndefined();
      const [hostile, fine] = env.adapter.queryTargets();
      expect([hostile.name, hostile.sessions]).toEqual([T, []]);
      expect([fine.name, fine.sessions.map((s) => [s.id, s.state])]).toEqual([GOOD, [[good.id, 'logged-in']]]);

      const data = pattern(256 << 10, 6);
      await good.disk.write(0, 100, data);
      expect(firstDifference(await good.disk.read(0, 100, 512), data)).toBe(-1);
      expect(eventsOf(env, good.id)).toEqual([]);
      await done(env);
    });
  }
});

describe('an error of our own while handling a socket', () => {
  it('closes that connection, ends its session, reaches onCallbackError, and never the runtime', async () => {
    const top = watchTopLevel();
    const target = await startTarget({ targets: [{ name: T, fault: 'nop-ping' }] });
    // A host whose socket write throws once armed: the NOP-Out answering the target's ping is
    // written while the core handles the ping, inside the socket's data callback.
    let armed = false;
    const broken: Host = {
      ...host,
      connect: (o, h) =>
        host.connect(o, h).then((c) => ({
          write: (b: Uint8Array) => {
            if (armed) throw new Error('write refused by a broken host');
            c.write(b);
          },
          close: () => c.close(),
        })),
    };
    const errors: unknown[] = [];
    const adapter = new Adapter(broken, { onCallbackError: (e) => errors.push(e), recovery: false });
    const events: AdapterEvent[] = [];
    adapter.on((e) => events.push(e));
    armed = false;
    const out = await adapter.loginToTarget({ target: T, portal: target.portal }).result();
    armed = true;
    await until(() => errors.length > 0, 3000, 'the internal error');
    expect(String(errors[0])).toBe('Error: write refused by a broken host');
    await until(() => events.some((e) => e.type === 'connection-lost'), 3000, 'the session to end');
    expect(events.filter((e) => e.sessionId === out.sessionId).map((e) => e.type)).toEqual(['connection-lost']);
    expect(adapter.queryTargets()[0].sessions).toEqual([]);
    await adapter.close();
    expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    await target.close();
    await sleep(10);
    top.stop();
    expect(top.seen).toEqual([]);
  });
});
