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
  const pid = spawnDetached('istgt', ['-c', join(dir, 'istgt.conf'), '-D'], join(dir, 'istgt.log'));
  try {
    const end = Date.now() + 10000;
    while (!(await canConnect('127.0.0.1', port))) {
      if (!alive(pid) || Date.now() > end) throw new Error('istgt did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    kill(pid, 'SIGKILL');
    const log = (() => {
      try {
        return readFileSync(join(dir, 'istgt.log'), 'utf8').slice(-2000);
      } catch {
        return '';
      }
    })();
    removeDir(dir);
    throw new Error(`${(e as Error).message}: ${log}`);
  }
  return {
    port,
    portal: `127.0.0.1:${port}`,
    nodeBase,
    targetName: (unit) => `${nodeBase}:${unit}`,
    lunFile: (n) => join(dir, `lun${n}`),
    async stop() {
      kill(pid, 'SIGTERM');
      await waitFor(() => !alive(pid), 5000, 'istgt to stop').catch(() => kill(pid, 'SIGKILL'));
      removeDir(dir);
    },
  };
}
