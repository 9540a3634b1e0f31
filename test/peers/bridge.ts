// `iscsi-adapter bridge` as the tests run it: the bundled command started detached (so Deno's
// sanitizer sees no child) on a free loopback port, with a token file of its own, stopped by PID.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alive, freePort, kill, removeDir, spawnDetached, tempDir, waitFor } from './daemon.ts';
import { cli } from '../helpers/cli-run.ts';
import { sleep } from '../helpers/env.ts';
export { bundle } from '../helpers/cli-run.ts';

export interface RunningBridgeProcess {
  pid: number;
  url: string;
  port: number;
  token: string;
  log(): string;
  /** Memory the process holds now, in KiB (VmRSS). */
  rssKiB(): number;
  stop(): Promise<void>;
}

export interface BridgeProcessOptions {
  allow: string[];
  origins?: string[];
  maxConnections?: number;
  idleMs?: number;
  /** The command to run (a packed copy's dist/cli.mjs); this checkout's by default. */
  cli?: string;
}

/** The WebSocket this runtime has: its own (Deno, Bun, Node 22+), else `ws`'s client. */
export async function webSocketClass(): Promise<typeof WebSocket> {
  const own = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  return own ?? ((await import('ws')).WebSocket as unknown as typeof WebSocket);
}

export async function startBridgeProcess(o: BridgeProcessOptions): Promise<RunningBridgeProcess> {
  const dir = tempDir('iscsi-bridge-');
  const tokenFile = join(dir, 'token');
  const token = `token-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  writeFileSync(tokenFile, `${token}\n`);
  chmodSync(tokenFile, 0o600);
  const port = await freePort();
  const logFile = join(dir, 'bridge.log');
  const args = [
    cli,
    'bridge',
    '--listen',
    `127.0.0.1:${port}`,
    '--allow',
    o.allow.join(','),
    '--token-file',
    tokenFile,
  ];
  if (o.origins) args.push('--origin', o.origins.join(','));
  if (o.maxConnections) args.push('--max-connections', String(o.maxConnections));
  if (o.idleMs) args.push('--idle-ms', String(o.idleMs));
  const pid = spawnDetached('node', args, logFile);
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  await waitFor(
    () => log().includes('bridge listening on') || !alive(pid),
    15000,
    `the bridge to listen; log:\n${log()}`,
  );
  if (!alive(pid)) throw new Error(`the bridge exited at start:\n${log()}`);
  return {
    pid,
    url: `ws://127.0.0.1:${port}`,
    port,
    token,
    log,
    // ps rather than /proc/PID/status, which Deno reads only with --allow-all.
    rssKiB: () => Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim() || NaN),
    async stop() {
      kill(pid, 'SIGTERM');
      await waitFor(() => !alive(pid), 10000, `the bridge (pid ${pid}) to exit; log:\n${log()}`).catch(async () => {
        kill(pid, 'SIGKILL');
        await sleep(100);
      });
      removeDir(dir);
    },
  };
}
