// What every disk command does around its work: log in to the URL's target, check that its LUN
// exists, run the work, log out (LogoutFromTarget, bounded by --logout-timeout).
import { type Adapter, hrHex, hrName, type Session, SUCCEEDED } from '../hosts/node/mod.ts';
import { authOf, type CliOptions, EXIT } from './args.ts';
import { failureExit, failureLine, type Outcome } from './outcome.ts';
import { UsageError } from './usage-error.ts';

export interface DiskRun {
  adapter: Adapter;
  o: CliOptions;
  /** A line of the command's text output (nothing with --json). */
  say: (s: string) => void;
  /** A line on stderr, with or without --json. */
  warn: (s: string) => void;
  /** Ctrl-C: main.ts is logging out; the work starts nothing new. */
  interrupted: AbortSignal;
}

/** Logs in to `target` at `portal` (the URL's by default); the session's disk, or the failed login's outcome. */
export async function login(r: DiskRun, target: string, portal = r.o.portals[0]): Promise<Session | Outcome> {
  const { adapter, o } = r;
  const { hr, output } = await adapter.loginToTarget({
    target,
    portal,
    auth: authOf(o),
    headerDigest: o.headerDigest,
    dataDigest: o.dataDigest,
    connectTimeoutMs: o.connectTimeoutMs,
    loginTimeoutMs: o.loginTimeoutMs,
  }).wait();
  if (output.sessionId) return adapter.session(output.sessionId)!;
  return {
    code: failureExit(hr, output.result),
    json: { url: o.url, target, error: failureLine(`login to ${target} at ${output.portal}`, hr, output) },
  };
}

/** Logs out of `target`. The exit status stays the work's: data written and synchronized is
 *  written whatever the logout does, and a target that closes the connection instead of
 *  answering the Logout (istgt sometimes does, right after a burst of writes) leaves nothing
 *  open either. A logout that did not end S_OK is said on stderr and in the JSON (`logout`). */
export async function logout(r: DiskRun, target: string, out: Outcome): Promise<Outcome> {
  if (r.interrupted.aborted) return out; // main.ts's close() logs out, bounded
  const { hr, output } = await r.adapter.logoutFromTarget(target, { logoutTimeoutMs: r.o.logoutTimeoutMs }).wait();
  if (SUCCEEDED(hr)) return out;
  const why = output.sessions.map((s) => s.reason).join(', ') || 'no session';
  r.warn(`warning: logout from ${target}: ${hrName(hr)} (${hrHex(hr)}): ${why}`);
  return { ...out, json: { ...out.json, logout: { hr: hrName(hr), reasons: output.sessions.map((s) => s.reason) } } };
}

/** The outcome of an error thrown by a command's work. */
export function thrown(e: unknown, json: Record<string, unknown>): Outcome {
  const error = e instanceof Error ? e.message : String(e);
  return { code: e instanceof UsageError ? EXIT.usage : EXIT.failed, json: { ...json, error } };
}

/** Logs in, checks the URL's LUN exists (REPORT LUNS), runs `work`, logs out. */
export async function withDisk(r: DiskRun, work: (disk: Session, lun: number) => Promise<Outcome>): Promise<Outcome> {
  const target = r.o.target!, lun = r.o.lun!;
  const base = { url: r.o.url, target, lun };
  const disk = await login(r, target);
  if ('code' in disk) return disk;
  let out: Outcome;
  try {
    const luns = await disk.reportLuns();
    out = luns.includes(lun) ? await work(disk, lun) : {
      code: EXIT.notFound,
      json: { ...base, error: `LUN ${lun} does not exist on ${target} (its LUNs: ${luns.join(', ') || 'none'})` },
    };
  } catch (e) {
    out = thrown(e, base);
  }
  return logout(r, target, out);
}
