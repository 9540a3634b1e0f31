// Starting real targets as daemons, with nothing held open by the test runner: the daemon is
// started by a shell that exits at once (so Deno's resource sanitizer sees no child), and is
// stopped by PID.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

// Below the kernel's ephemeral range, so no outgoing connection of a parallel test can take the
// port between this check and the daemon's own listen (a port picked by listen(0) lies inside it).
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12000 ? low : 32768;
  } catch {
    return 32768;
  }
}

const bindable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });

/** A loopback port free on every one of `hosts` (bound and released), below the ephemeral range. */
export async function freePort(...hosts: string[]): Promise<number> {
  const on = hosts.length ? hosts : ['127.0.0.1'];
  const low = 10000;
  const high = ephemeralLow();
  for (let i = 0; i < 200; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    let free = true;
    for (const h of on) if (free) free = await bindable(h, port);
    if (free) return port;
  }
  throw new Error(`no free port on ${on.join(', ')} in ${low}-${high - 1} after 200 tries`);
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
