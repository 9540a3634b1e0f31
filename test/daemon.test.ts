// The adapter as a service (docs/daemon.md) against tgtd: logins from one process, the sessions
// listed from another, LogoutFromTarget started from a third and waited on from a fourth, each an
// invocation of the command; then the same through connectDaemon() in this runtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDaemon, hrName } from 'iscsi-adapter';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { startCapture } from './peers/tshark.ts';
import { have } from './peers/daemon.ts';
import { bundle, runCli, startAdapterDaemon } from './peers/adapter-daemon.ts';

const T = 'iqn.2026-11.test:daemon';

describe('the daemon against tgtd', () => {
  let tgtd: Tgtd;
  beforeAll(async () => {
    for (const [cmd, pkg] of [['tgtd', 'tgt'], ['tshark', 'tshark']]) {
      if (!have(cmd)) {
        throw new Error(`${cmd} is not installed: run 'apt-get install -y ${pkg}'. These tests do not skip.`);
      }
    }
    bundle();
    tgtd = await startTgtd([{ tid: 1, name: T }]);
  }, 60000);
  afterAll(() => tgtd?.stop());

  it(
    'login twice to two portals, sessions, logout-from-target --no-wait, wait: S_OK, one Logout per session',
    async () => {
      const d = await startAdapterDaemon();
      const cap = await startCapture(tgtd.port);
      try {
        const env = { ISCSI_ADAPTER_SOCKET: d.socket };
        for (const portal of tgtd.portals) {
          const r = await runCli(['login', '--portal', portal, '--target', T], env);
          expect([r.code, r.stderr]).toEqual([0, '']);
          expect(r.stdout).toMatch(new RegExp(`^logged in to ${T} at ${portal.replace(/\./g, '\\.')}: session `));
        }
        const list = await runCli(['sessions', '--json'], env);
        expect(list.code).toBe(0);
        const rows = JSON.parse(list.stdout).sessions;
        expect(rows.map((s: { portal: string }) => s.portal).sort()).toEqual([...tgtd.portals].sort());
        expect(
          rows.every((s: { target: string; state: string; inflight: number }) =>
            s.target === T && s.state === 'logged-in' && s.inflight === 0
          ),
        ).toBe(true);
        expect(tgtd.sessions(T)).toBe(2);

        const started = await runCli(['logout-from-target', T, '--no-wait'], env);
        expect(started.code).toBe(0);
        const op = started.stdout.trim();
        expect(op).toMatch(/^op-[0-9a-f]{8}$/);
        const waited = await runCli(['wait', op, '--timeout', '30000', '--json'], env);
        expect(waited.code).toBe(0);
        const out = JSON.parse(waited.stdout);
        expect(out.hrName).toBe('S_OK');
        expect(out.sessions.map((s: { reason: string }) => s.reason)).toEqual(['logged-out', 'logged-out']);
        expect(tgtd.sessions(T)).toBe(0);
        // The handle stays queryable from a later invocation.
        const status = await runCli(['status', op], env);
        expect(status.stdout.trim()).toBe(`${op}: S_OK (0x00000000), 100%`);

        await cap.stop();
        const logouts = cap.fields(tgtd.port, 'iscsi.opcode == 0x06', ['tcp.stream']);
        expect(logouts).toHaveLength(2);
        expect(new Set(logouts.map(([s]) => s)).size).toBe(2);
        await d.stop();
        expect(d.log()).toMatch(/stopped: every session ended/);
      } finally {
        cap.dispose();
        d.dispose();
      }
    },
    90000,
  );

  it('connectDaemon(): a login from one client, LogoutFromTarget from another, the handle as in process', async () => {
    const d = await startAdapterDaemon();
    try {
      const first = await connectDaemon({ socket: d.socket });
      for (const portal of tgtd.portals) {
        const r = await first.loginToTarget({ target: T, portal }).wait({ timeoutMs: 10000 });
        expect(hrName(r.hr)).toBe('S_OK');
      }
      await first.close();
      const second = await connectDaemon({ socket: d.socket });
      expect((await second.sessions()).length).toBe(2);
      const op = second.logoutFromTarget(T);
      const seen: number[] = [];
      op.onProgress((p) => seen.push(p));
      const { hr, output } = await op.wait({ timeoutMs: 30000 });
      expect(hrName(hr)).toBe('S_OK');
      expect(output.sessions.map((s) => s.reason)).toEqual(['logged-out', 'logged-out']);
      expect(op.queryStatus()).toEqual({ hr: 0, percentCompleted: 100 });
      expect(seen.at(-1)).toBe(100);
      expect(hrName(await op.cancel())).toBe('VDS_E_CANCEL_TOO_LATE');
      expect(await second.sessions()).toEqual([]);
      expect(tgtd.sessions(T)).toBe(0);
      await second.close();
      await d.stop();
    } finally {
      d.dispose();
    }
  }, 60000);

  it('SIGTERM logs out of every target (drain) and the daemon exits 0 with no session left on the target', async () => {
    const d = await startAdapterDaemon();
    try {
      const c = await connectDaemon({ socket: d.socket });
      for (const portal of tgtd.portals) await c.loginToTarget({ target: T, portal }).result({ timeoutMs: 10000 });
      await c.close();
      expect(tgtd.sessions(T)).toBe(2);
      await d.stop();
      expect(d.log()).toMatch(/stopping: iqn\.2026-11\.test:daemon: S_OK/);
      expect(d.log()).toMatch(/stopped: every session ended/);
      expect(tgtd.sessions(T)).toBe(0);
    } finally {
      d.dispose();
    }
  }, 60000);
});
