// Starting real targets as daemons, with nothing held open by the test runner: the daemon is
// started by a shell that exits at once (so Deno's resource sanitizer sees no child), and is
// stopped by PID.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { until } from '../helpers/env.ts';

export function have(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `cmd` detached; returns its PID. */
export function spawnDetached(cmd: string, args: string[], logFile: string): number {
  const quoted = [cmd, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // Open files raised where the hard limit allows: tgtd needs one per session (1,024 and more).
  const out = execFileSync('sh', [
    '-c',
    `ulimit -n 20000 2>/dev/null; setsid ${quoted} >'${logFile}' 2>&1 < /dev/null & echo $!`,
  ])
    .toString().trim();
  return Number(out);
}

export function kill(pid: number, signal: 'SIGKILL' | 'SIGTERM' | 'SIGINT'): void {
  try {
    process.kill(pid, signal);
  } catch { /* already gone */ }
}
export function alive(pid: number): boolean {
  // ps rather than kill(pid, 0) or /proc (Deno needs --allow-all for either); a zombie counts as gone.
  try {
    return /^[^Z]/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)]).toString().trim());
  } catch {
    return false;
  }
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
export const removeDir = (d: string) => rmSync(d, { recursive: true, force: true });

/** A free loopback port (bound and released). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** until() at a daemon's pace: each check may run a command, so poll every 50 ms. */
export const waitFor = (check: () => boolean, ms: number, what: string) => until(check, ms, what, 50);

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
