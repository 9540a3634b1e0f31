// tgtd from Debian's tgt, configured with tgtadm (docs/testing.md).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { alive, canConnect, freePort, kill, removeDir, spawnDetached, tempDir, waitFor } from './daemon.ts';

export interface TgtdTarget {
  tid: number;
  name: string;
  chap?: { user: string; secret: string };
  mutual?: { user: string; secret: string };
  digests?: boolean;
  /** LUN 1's size as truncate(1) takes it; default 16M. */
  size?: string;
  /** Session parameters to set on the target (tgtadm --op update), e.g. { MaxBurstLength: '16384' }. */
  params?: Record<string, string>;
  /** Parameters of LUN 1 (tgtadm --op update --mode logicalunit --params), e.g. 'thin_provisioning=1'. */
  lunParams?: string;
}
export interface Tgtd {
  port: number;
  portals: string[];
  sessions(name: string, initiator?: string): number;
  /** What `tgtadm --op show --mode target` prints now. */
  show(): string;
  /** The running tgtd's process id (a new one after restart()). */
  pid(): number;
  /** The file behind LUN 1 of target `tid` (16 MiB unless its `size` says otherwise). */
  lunFile(tid: number): string;
  /** SIGKILLs tgtd (its connections just end, with no word to any initiator), then starts it again
   * on the same portals with the same targets and the same backing files, as they were, under a
   * new control port. Resolves once the targets are configured again. */
  restart(): Promise<void>;
  stop(): void;
}

interface Running {
  pid: number;
  adm(...args: string[]): string;
}

export async function startTgtd(targets: TgtdTarget[]): Promise<Tgtd> {
  const port = await freePort('127.0.0.1', '127.0.0.2');
  const dir = tempDir('iscsi-tgtd-');
  let d: Running;
  try {
    d = await launch(port, dir, targets, true);
  } catch (e) {
    removeDir(dir);
    throw e;
  }
  return {
    port,
    portals: [`127.0.0.1:${port}`, `127.0.0.2:${port}`],
    // One "I_T nexus" per session under its target; optionally only those of one initiator.
    sessions(name, initiator) {
      const out = d.adm('--lld', 'iscsi', '--op', 'show', '--mode', 'target');
      const block = out.split(/^Target \d+: /m).find((b) => b.startsWith(name + '\n')) ?? '';
      const inits = [...block.matchAll(/^\s+Initiator: (\S+)/gm)].map((m) => m[1]);
      return initiator ? inits.filter((i) => i === initiator).length : inits.length;
    },
    show: () => d.adm('--lld', 'iscsi', '--op', 'show', '--mode', 'target'),
    pid: () => d.pid,
    lunFile: (tid) => join(dir, `lun${tid}`),
    async restart() {
      kill(d.pid, 'SIGKILL');
      await waitFor(() => !alive(d.pid), 10000, `the killed tgtd (pid ${d.pid}) to exit`);
      d = await launch(port, dir, targets, false);
    },
    stop() {
      kill(d.pid, 'SIGKILL'); // tgtd ignores SIGTERM
      removeDir(dir);
    },
  };
}

// Starts tgtd on 127.0.0.1:port in the foreground under a control port of its own and configures
// it: a second portal 127.0.0.2:port, then the targets, their LUN files in dir (created when
// `create`, else taken as they are). On failure tgtd is killed; dir is the caller's.
async function launch(port: number, dir: string, targets: TgtdTarget[], create: boolean): Promise<Running> {
  const control = 100 + Math.floor(Math.random() * 9900); // tgtd takes -C up to 32767 at most; stay well inside
  const log = join(dir, `tgtd-${control}.log`);
  const pid = spawnDetached('tgtd', ['-f', '-C', String(control), '--iscsi', `portal=127.0.0.1:${port}`], log);
  const adm = (...args: string[]) =>
    execFileSync('tgtadm', ['-C', String(control), ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  try {
    await waitFor(
      () => {
        try {
          adm('--op', 'show', '--mode', 'target');
          return true;
        } catch {
          return false;
        }
      },
      10000,
      `tgtd control socket (log ${log})`,
    );
    adm('--lld', 'iscsi', '--op', 'new', '--mode', 'portal', '--param', `portal=127.0.0.2:${port}`);
    const accounts = new Set<string>();
    const account = (user: string, secret: string) => {
      if (accounts.has(user)) return;
      accounts.add(user);
      adm('--lld', 'iscsi', '--op', 'new', '--mode', 'account', '--user', user, '--password', secret);
    };
    for (const t of targets) {
      const lun = join(dir, `lun${t.tid}`);
      if (create) execFileSync('truncate', ['-s', t.size ?? '16M', lun]);
      adm('--lld', 'iscsi', '--op', 'new', '--mode', 'target', '--tid', String(t.tid), '-T', t.name);
      adm('--lld', 'iscsi', '--op', 'new', '--mode', 'logicalunit', '--tid', String(t.tid), '--lun', '1', '-b', lun);
      if (t.lunParams) {
        adm(
          '--lld',
          'iscsi',
          '--op',
          'update',
          '--mode',
          'logicalunit',
          '--tid',
          String(t.tid),
          '--lun',
          '1',
          '--params',
          t.lunParams,
        );
      }
      adm('--lld', 'iscsi', '--op', 'bind', '--mode', 'target', '--tid', String(t.tid), '-I', 'ALL');
      const params = { ...(t.digests ? { HeaderDigest: 'CRC32C,None', DataDigest: 'CRC32C,None' } : {}), ...t.params };
      for (const [k, v] of Object.entries(params)) {
        adm('--lld', 'iscsi', '--op', 'update', '--mode', 'target', '--tid', String(t.tid), '--name', k, '--value', v);
      }
      if (t.chap) {
        account(t.chap.user, t.chap.secret);
        adm('--lld', 'iscsi', '--op', 'bind', '--mode', 'account', '--tid', String(t.tid), '--user', t.chap.user);
      }
      if (t.mutual) {
        account(t.mutual.user, t.mutual.secret);
        adm(
          '--lld',
          'iscsi',
          '--op',
          'bind',
          '--mode',
          'account',
          '--tid',
          String(t.tid),
          '--user',
          t.mutual.user,
          '--outgoing',
        );
      }
    }
    if (!(await canConnect('127.0.0.2', port))) throw new Error('tgtd second portal not listening');
  } catch (e) {
    kill(pid, 'SIGKILL');
    throw e;
  }
  return { pid, adm };
}
