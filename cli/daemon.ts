// `iscsi-adapter daemon`: runs the service (daemon/service.ts) until SIGTERM or SIGINT, which log
// out of every target (drain, bounded) and exit 0 once every session ended; a second signal exits
// at once. Without --foreground it starts itself in the background and returns once listening.
import { spawn } from 'node:child_process';
import { startDaemon } from '../daemon/service.ts';
import { StartError } from '../daemon/place-error.ts';
import { NodeRecordsError } from '../daemon/node-records.ts';
import { groupId } from '../daemon/group.ts';
import type { DaemonCliOptions } from './daemon-args.ts';
import { EXIT } from './args.ts';

const DETACHED = 'ISCSI_ADAPTER_DETACHED';

export async function runDaemon(
  o: DaemonCliOptions,
  socket: string,
  nodesFile: string,
  env: Record<string, string | undefined>,
): Promise<number> {
  if (!o.foreground) return detach(env);
  const detached = env[DETACHED] === '1';
  // In the background nobody reads stderr (it is /dev/null); the parent reads one line of stdout.
  const log = (line: string) => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const tell = (line: string) => detached && void process.stdout.write(`${line}\n`);
  let daemon;
  try {
    daemon = await startDaemon({
      socket,
      gid: o.group === undefined ? undefined : groupId(o.group),
      nodesFile,
      keepMs: o.keepMs,
      stopTimeoutMs: o.stopTimeoutMs,
      maxClients: o.maxClients,
      adapter: o.initiatorName ? { initiatorName: o.initiatorName } : {},
      env,
      log,
    });
  } catch (e) {
    const known = e instanceof StartError || e instanceof NodeRecordsError || e instanceof TypeError;
    const msg = `iscsi-adapter daemon: ${known ? (e as Error).message : `cannot start: ${(e as Error).message}`}`;
    console.error(msg);
    tell(`error: ${msg}`);
    return e instanceof TypeError ? EXIT.usage : EXIT.failed;
  }
  tell(`iscsi-adapter daemon: listening at ${socket} (pid ${process.pid})`);
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (sig: string) => {
      if (stopping) {
        log(`${sig} again: exiting without waiting for the logouts`);
        daemon.abort();
        process.exit(EXIT.failed);
      }
      stopping = true;
      log(`${sig}: logging out of every target (${sig} again to exit at once)`);
      daemon.stop().then((left) => resolve(left ? EXIT.failed : EXIT.ok));
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });
}

/** Starts `daemon --foreground` in its own session and returns once it says it listens. */
function detach(env: Record<string, string | undefined>): Promise<number> {
  const args = [...process.execArgv, process.argv[1], ...process.argv.slice(2), '--foreground'];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...env, [DETACHED]: '1' },
  });
  return new Promise((resolve) => {
    let text = '';
    const done = (code: number) => {
      child.stdout!.destroy();
      child.unref();
      resolve(code);
    };
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      const line = text.slice(0, nl);
      if (line.startsWith('error: ')) console.error(line.slice(7));
      else console.log(line);
      done(line.startsWith('error: ') ? EXIT.failed : EXIT.ok);
    });
    child.once('exit', (code) => {
      if (!text.includes('\n')) {
        console.error(`iscsi-adapter daemon: exited at start (status ${code})`);
        done(EXIT.failed);
      }
    });
  });
}
