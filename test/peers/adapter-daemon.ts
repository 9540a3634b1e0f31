// `iscsi-adapter daemon` as the tests run it: the bundled command (dist/cli.mjs) started detached
// in the foreground on a socket in a temporary directory, stopped by PID (docs/daemon.md).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, kill, removeDir, spawnDetached, tempDir, waitFor } from './daemon.ts';
import { cli } from '../helpers/cli-run.ts';
export { bundle, cli, type Ran, runCli } from '../helpers/cli-run.ts';

export interface RunningDaemon {
  pid: number;
  dir: string;
  socket: string;
  nodes: string;
  log(): string;
  /** SIGTERM, then waits (bounded) for the process to end. */
  stop(): Promise<void>;
  kill(): Promise<void>;
  dispose(): void;
}

export async function startAdapterDaemon(
  opts: { dir?: string; args?: string[]; wait?: boolean } = {},
): Promise<RunningDaemon> {
  const dir = opts.dir ?? tempDir('iscsi-daemon-');
  const socket = join(dir, 'run', 'daemon.sock');
  const nodes = join(dir, 'nodes.json');
  const logFile = join(dir, `daemon-${Date.now()}.log`);
  const pid = spawnDetached(
    'node',
    [cli, 'daemon', '--foreground', '--socket', socket, '--nodes', nodes, ...(opts.args ?? [])],
    logFile,
  );
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const d: RunningDaemon = {
    pid,
    dir,
    socket,
    nodes,
    log,
    async stop() {
      kill(pid, 'SIGTERM');
      await waitFor(() => !alive(pid), 40000, `the daemon (pid ${pid}) to exit; log:\n${log()}`);
    },
    async kill() {
      kill(pid, 'SIGKILL');
      await waitFor(() => !alive(pid), 10000, `the killed daemon (pid ${pid}) to exit`);
    },
    dispose() {
      kill(pid, 'SIGKILL');
      removeDir(dir);
    },
  };
  if (opts.wait !== false) {
    await waitFor(() => /listening at/.test(log()) || !alive(pid), 15000, `the daemon to listen; log:\n${log()}`);
    if (!alive(pid)) throw new Error(`the daemon exited at start:\n${log()}`);
  }
  return d;
}
