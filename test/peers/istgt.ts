// istgt from Debian's istgt, with a temporary configuration (docs/testing.md).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, canConnect, freePort, kill, removeDir, spawnDetached, tempDir, waitFor } from './daemon.ts';

export type IstgtAuth = 'Auto' | 'CHAP' | 'CHAP Mutual';
export interface Istgt {
  port: number;
  portal: string;
  nodeBase: string;
  targetName(unit: string): string;
  /** The file behind LUN 0 of the n-th unit (from 1), 32 MB. */
  lunFile(n: number): string;
  /** Stops istgt with `signal` (SIGKILL by default: its connections just end, with no word to any
   * initiator), waits until it is gone, then starts it again on the same port with the same
   * configuration and backing files. Resolves once it accepts connections again. */
  restart(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  stop(): Promise<void>;
}

export async function startIstgt(
  units: { name: string; auth: IstgtAuth }[],
  chap?: { user: string; secret: string; mutualUser: string; mutualSecret: string },
): Promise<Istgt> {
  const port = await freePort();
  const ucPort = await freePort();
  const dir = tempDir('iscsi-istgt-');
  const nodeBase = 'iqn.2026-11.dev.istgt';
  const conf = [
    '[Global]',
    `  NodeBase "${nodeBase}"`,
    `  PidFile ${dir}/istgt.pid`,
    `  AuthFile ${dir}/auth.conf`,
    `  MediaDirectory ${dir}`,
    '  Timeout 30',
    '  NopInInterval 20',
    '  MaxSessions 64',
    '  MaxConnections 4',
    '  DiscoveryAuthMethod Auto',
    '[UnitControl]',
    '  AuthMethod None',
    `  Portal UC1 127.0.0.1:${ucPort}`,
    '  Netmask 127.0.0.1',
    '[PortalGroup1]',
    `  Portal DA1 127.0.0.1:${port}`,
    '[InitiatorGroup1]',
    '  InitiatorName "ALL"',
    '  Netmask 127.0.0.0/8',
    ...units.flatMap((u, i) => [
      `[LogicalUnit${i + 1}]`,
      `  TargetName ${u.name}`,
      '  Mapping PortalGroup1 InitiatorGroup1',
      `  AuthMethod ${u.auth}`,
      '  AuthGroup AuthGroup1',
      '  UseDigest Auto',
      '  UnitType Disk',
      `  LUN0 Storage ${dir}/lun${i + 1} 32MB`,
    ]),
  ].join('\n') + '\n';
  writeFileSync(join(dir, 'istgt.conf'), conf);
  writeFileSync(
    join(dir, 'auth.conf'),
    chap
      ? `[AuthGroup1]\n  Auth "${chap.user}" "${chap.secret}" "${chap.mutualUser}" "${chap.mutualSecret}"\n`
      : '[AuthGroup1]\n',
  );
  let launches = 0;
  let pid: number;
  try {
    pid = await launch(dir, port, launches++);
  } catch (e) {
    removeDir(dir);
    throw e;
  }
  return {
    port,
    portal: `127.0.0.1:${port}`,
    nodeBase,
    targetName: (unit) => `${nodeBase}:${unit}`,
    lunFile: (n) => join(dir, `lun${n}`),
    async restart(signal = 'SIGKILL') {
      kill(pid, signal);
      await waitFor(() => !alive(pid), 10000, `the stopped istgt (pid ${pid}) to exit`);
      pid = await launch(dir, port, launches++);
    },
    async stop() {
      kill(pid, 'SIGTERM');
      await waitFor(() => !alive(pid), 5000, 'istgt to stop').catch(() => kill(pid, 'SIGKILL'));
      removeDir(dir);
    },
  };
}

// Starts istgt (the n-th time, from 0) in the foreground with dir/istgt.conf and waits until it accepts connections on
// port; returns its PID. On failure istgt is killed and the error carries the end of its log (dir
// is the caller's).
async function launch(dir: string, port: number, n: number): Promise<number> {
  const log = join(dir, n ? `istgt-${n}.log` : 'istgt.log');
  const pid = spawnDetached('istgt', ['-c', join(dir, 'istgt.conf'), '-D'], log);
  try {
    const end = Date.now() + 10000;
    while (!(await canConnect('127.0.0.1', port))) {
      if (!alive(pid)) throw new Error('istgt exited before it listened');
      if (Date.now() > end) throw new Error('istgt did not listen within 10 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    kill(pid, 'SIGKILL');
    const tail = (() => {
      try {
        return readFileSync(log, 'utf8').slice(-2000);
      } catch {
        return '';
      }
    })();
    throw new Error(`${(e as Error).message} (port ${port}): ${tail}`);
  }
  return pid;
}
