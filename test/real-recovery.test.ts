// Session recovery (docs/io.md, "Recovery") against a real tgtd that is SIGKILLed and started
// again on the same port with the same target and backing file: reads and writes in flight go
// on through the restart with nothing surfaced to the caller, and no acknowledged write is lost.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  type Adapter,
  type AdapterEvent,
  type AdapterOptions,
  createAdapter,
  hrName,
  type Session,
} from 'iscsi-adapter';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { have } from './peers/daemon.ts';
import { bounded, until } from './helpers/env.ts';
import { readLoop } from './helpers/read-loop.ts';

const T = 'iqn.2026-11.test:recovery';
const OPTS: AdapterOptions = {
  recovery: true,
  replacementTimeoutMs: 12000, // well past a restart, well inside the test
  reconnect: { minDelayMs: 50, maxDelayMs: 500 },
};
const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 9)) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

interface Env {
  tgtd: Tgtd;
  adapter: Adapter;
  disk: Session;
  events: AdapterEvent[];
}
/** Starts tgtd and logs in with recovery on; runs `body`; always closes the adapter and kills tgtd. */
async function withTgtd(body: (env: Env) => Promise<void>): Promise<void> {
  if (!have('tgtd')) throw new Error("tgtd is not installed: run 'apt-get install -y tgt' (.ci/run does this).");
  const tgtd = await startTgtd([{ tid: 1, name: T }]);
  const adapter = createAdapter(OPTS);
  try {
    const events: AdapterEvent[] = [];
    adapter.on((e) => events.push(e));
    const out = await adapter.loginToTarget({ target: T, portal: tgtd.portals[0] }).result({ timeoutMs: 10000 });
    expect(out.result).toBe('ok');
    await body({ tgtd, adapter, disk: adapter.session(out.sessionId!)!, events });
    await adapter.close();
    expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
  } finally {
    await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 }).catch(() => {});
    tgtd.stop();
  }
}
/** The recovery events, in order. */
const recovery = (events: AdapterEvent[]) =>
  events.filter((e) => e.type === 'session-recovering' || e.type === 'session-recovered' || e.type === 'session-lost');
function expectRecoveredOnce(env: Env) {
  const [recovering, recovered, ...more] = recovery(env.events);
  expect(more).toEqual([]);
  expect(recovering).toMatchObject({ type: 'session-recovering', cause: 'transport' });
  expect(recovered?.type).toBe('session-recovered');
  if (recovered?.type !== 'session-recovered') return;
  expect(recovered.attempts).toBeGreaterThanOrEqual(1);
  expect(env.tgtd.portals).toContain(recovered.portal);
}
/** LogoutFromTarget is S_OK and tgtd holds no session of the target afterwards. */
async function logoutClean(env: Env) {
  const { hr, output } = await env.adapter.logoutFromTarget(T).wait();
  expect(hrName(hr)).toBe('S_OK');
  expect(output.sessions.map((s) => s.reason)).toEqual(['logged-out']);
  // tgtd ends the session as it closes the connection after its Logout Response
  await until(() => !/I_T nexus: \d+/.test(env.tgtd.show()), 3000, 'tgtd to drop the logged-out session', 50);
  expect(env.tgtd.sessions(T)).toBe(0);
}

describe('session recovery through a tgtd restart', () => {
  it('a read loop keeps going through a tgtd restart with no error surfaced', async () => {
    await withTgtd(async (env) => {
      const { disk } = env;
      const READ = 16, REGION = 512; // 8 KiB reads over the first 256 KiB
      const data = pattern(REGION * 512, 1);
      await disk.write(1, 0, data);
      const loop = readLoop(disk, 1, data, READ);
      try {
        await loop.until(() => loop.reads() >= 50, 'reads before the restart');
        expect(disk.inflight).toBeGreaterThan(0);
        await env.tgtd.restart(); // SIGKILL, then the same port, target and file
        await loop.until(() => env.events.some((e) => e.type === 'session-recovered'), 'the session to recover');
        const after = loop.reads();
        await loop.until(() => loop.reads() >= after + 50, 'reads after the recovery');
      } finally {
        await loop.stop();
      }
      expect(loop.failures).toEqual([]);
      expectRecoveredOnce(env);
      await logoutClean(env);
    });
  });

  it('no acknowledged write is lost across a restart', async () => {
    await withTgtd(async (env) => {
      const { disk, tgtd } = env;
      await disk.readCapacity(1);
      // 16 writes kept in flight, write k a pattern of its own to blocks of its own (16 KiB at
      // 1024 + 32k), so the kill meets some mid-way whatever the pace; at most 900 in all.
      const BLOCKS = 32, MAX = 900;
      const at = (k: number) => 1024 + k * BLOCKS;
      const data = (k: number) => pattern(BLOCKS * 512, 1000 + k);
      let stop = false, issued = 0;
      const acked: number[] = [];
      const failures: string[] = [];
      const worker = async () => {
        while (!stop && issued < MAX) {
          const k = issued++;
          try {
            await disk.write(1, at(k), data(k));
            acked.push(k);
          } catch (e) {
            failures.push(`write ${k}: ${String(e)}`);
            return;
          }
        }
      };
      const loop = Promise.all(Array.from({ length: 16 }, worker));
      let atKill = 0;
      try {
        const step = async (cond: () => boolean, what: string) => {
          await until(() => failures.length > 0 || issued >= MAX || cond(), 10000, what, 10);
          expect(failures).toEqual([]);
          if (issued >= MAX) throw new Error(`all ${MAX} writes issued before ${what}`);
        };
        await step(() => acked.length >= 32, 'writes before the restart');
        atKill = disk.inflight;
        await tgtd.restart(); // SIGKILL, then the same port, target and file
        await step(() => env.events.some((e) => e.type === 'session-recovered'), 'the session to recover');
        const after = acked.length;
        await step(() => acked.length >= after + 32, 'writes after the recovery');
      } finally {
        stop = true;
        await bounded(loop, 10000, 'the writes in flight to end');
      }
      expect(atKill).toBeGreaterThan(0);
      expect(failures).toEqual([]);
      expect(acked.length).toBe(issued); // every write issued resolved
      expectRecoveredOnce(env);
      await logoutClean(env);
      const file = new Uint8Array(readFileSync(tgtd.lunFile(1)));
      const lost = acked.filter((k) => !same(file.subarray(at(k) * 512, (at(k) + BLOCKS) * 512), data(k)));
      expect({ missingFromFile: lost }).toEqual({ missingFromFile: [] }); // acknowledged writes not in the file
    });
  });
});
