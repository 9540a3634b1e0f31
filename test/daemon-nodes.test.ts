// Node records (docs/daemon.md, "Node records"): kept by the daemon in one owner-only file
// written atomically; automatic ones logged in at start; a corrupt file refused, never replaced.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectDaemon } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { bundle, runCli, startAdapterDaemon } from './peers/adapter-daemon.ts';
import { alive, waitFor } from './peers/daemon.ts';

const T = 'iqn.2026-11.dev.daemon:nodes';

describe('node records', () => {
  beforeAll(() => bundle(), 60000);

  it('an automatic record is logged in when the daemon starts; the file is 0600 and holds no secret', async () => {
    const t = await startTarget({ targets: [{ name: T, chap: { user: 'alice', secret: 'NodeSecret1234' } }] });
    const d = await startAdapterDaemon();
    try {
      const secretFile = join(d.dir, 'chap.secret');
      writeFileSync(secretFile, 'NodeSecret1234\n', { mode: 0o600 });
      const env = { ISCSI_ADAPTER_SOCKET: d.socket };
      const add = ['node', 'add', '--portal', t.portal, '--target', T, '--startup', 'automatic'];
      const r = await runCli([...add, '--chap-user', 'alice', '--chap-secret-file', secretFile], env);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(statSync(d.nodes).mode & 0o777).toBe(0o600);
      expect(readFileSync(d.nodes, 'utf8')).not.toMatch(/NodeSecret1234/);
      const list = JSON.parse((await runCli(['node', 'list', '--json'], env)).stdout);
      expect(list.nodes).toEqual([
        { portal: t.portal, target: T, startup: 'automatic', auth: { method: 'chap', user: 'alice', secretFile } },
      ]);
      await d.stop();
      const again = await startAdapterDaemon({ dir: d.dir });
      const c = await connectDaemon({ socket: d.socket });
      await waitFor(
        () => /ended: login .*: S_OK/.test(again.log()),
        10000,
        `the automatic login; log:\n${again.log()}`,
      );
      expect((await c.sessions()).map((s) => s.target)).toEqual([T]);
      await c.close();
      await again.stop();
      expect(again.log()).toMatch(/stopped: every session ended/);
    } finally {
      d.dispose();
      await t.close();
    }
  }, 60000);

  it('node remove deletes the record; a second remove finds none (exit 4)', async () => {
    const d = await startAdapterDaemon();
    try {
      const env = { ISCSI_ADAPTER_SOCKET: d.socket };
      expect((await runCli(['node', 'add', '--portal', '127.0.0.1:3260', '--target', T], env)).code).toBe(0);
      expect((await runCli(['node', 'remove', T], env)).stdout).toMatch(/^1 node record\(s\) removed/);
      expect((await runCli(['node', 'remove', T], env)).code).toBe(4);
      expect(JSON.parse(readFileSync(d.nodes, 'utf8'))).toEqual({ version: 1, nodes: [] });
      await d.stop();
    } finally {
      d.dispose();
    }
  }, 60000);

  it('a half-written records file stops the start with an error naming it, and is left as it was', async () => {
    const first = await startAdapterDaemon();
    await first.stop();
    const half = '{"version":1,"nodes":[{"portal":"127.0.0.1:3260","tar';
    writeFileSync(first.nodes, half);
    const d = await startAdapterDaemon({ dir: first.dir, wait: false });
    try {
      await waitFor(() => !alive(d.pid), 15000, 'the daemon to refuse the file');
      expect(d.log()).toMatch(`node records file ${first.nodes} is corrupt or half-written`);
      expect(readFileSync(first.nodes, 'utf8')).toBe(half);
    } finally {
      d.dispose();
    }
  }, 60000);

  it('a secret on the command line is refused: bad usage (2)', async () => {
    const r = await runCli(['login', '--portal', '127.0.0.1', '--target', T, '--chap-secret', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secrets never go on the command line/);
  });
});
