// Session recovery (docs/io.md, "Recovery") against a real istgt that is SIGKILLed and started
// again on the same port with the same configuration and backing file: reads in flight go on
// through the restart with nothing surfaced to the caller. The tgtd counterpart is
// real-recovery.test.ts.
import { describe, expect, it } from 'vitest';
import { type AdapterEvent, type AdapterOptions, createAdapter, hrName } from 'iscsi-adapter';
import { startIstgt } from './peers/istgt.ts';
import { have } from './peers/daemon.ts';
import { bounded } from './helpers/env.ts';
import { readLoop } from './helpers/read-loop.ts';

const OPTS: AdapterOptions = {
  recovery: true,
  replacementTimeoutMs: 12000, // well past a restart, well inside the test
  reconnect: { minDelayMs: 50, maxDelayMs: 500 },
};
const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 9)) & 0xff);

describe('session recovery through an istgt restart', () => {
  it('a read loop keeps going through an istgt restart with no error surfaced', async () => {
    if (!have('istgt')) throw new Error("istgt is not installed: run 'apt-get install -y istgt' (.ci/run does this).");
    const istgt = await startIstgt([{ name: 'disk', auth: 'Auto' }]);
    const target = istgt.targetName('disk');
    const adapter = createAdapter(OPTS);
    try {
      const events: AdapterEvent[] = [];
      adapter.on((e) => events.push(e));
      const out = await adapter.loginToTarget({ target, portal: istgt.portal }).result({ timeoutMs: 10000 });
      expect(out.result).toBe('ok');
      const disk = adapter.session(out.sessionId!)!;

      const READ = 16, REGION = 512; // 8 KiB reads over the first 256 KiB of LUN 0
      const data = pattern(REGION * 512, 1);
      await disk.write(0, 0, data);
      const loop = readLoop(disk, 0, data, READ);
      try {
        await loop.until(() => loop.reads() >= 50, 'reads before the restart');
        expect(disk.inflight).toBeGreaterThan(0);
        await istgt.restart(); // SIGKILL, then the same port, configuration and file
        await loop.until(
          () => events.some((e) => e.type === 'session-recovered' || e.type === 'session-lost'),
          'the session to recover',
        );
        const after = loop.reads();
        await loop.until(() => loop.reads() >= after + 50, 'reads after the recovery');
      } finally {
        await loop.stop();
      }
      expect(loop.failures).toEqual([]);

      const [recovering, recovered, ...more] = events.filter((e) =>
        e.type === 'session-recovering' || e.type === 'session-recovered' || e.type === 'session-lost'
      );
      expect(more).toEqual([]);
      expect(recovering).toMatchObject({ type: 'session-recovering', cause: 'transport' });
      expect(recovered?.type).toBe('session-recovered');
      if (recovered?.type === 'session-recovered') {
        expect(recovered.attempts).toBeGreaterThanOrEqual(1);
        expect(recovered.portal).toBe(istgt.portal);
      }

      const { hr, output } = await bounded(adapter.logoutFromTarget(target).wait(), 10000, 'LogoutFromTarget');
      expect(hrName(hr)).toBe('S_OK');
      expect(output.sessions.map((s) => s.reason)).toEqual(['logged-out']);
      await adapter.close();
      expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
    } finally {
      await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 }).catch(() => {});
      await istgt.stop();
    }
  });
});
