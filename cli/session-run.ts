// logout-test and demo: log in N sessions, (demo: put I/O in flight), LogoutFromTarget with
// progress, then the per-session table and the aggregate result as name and hex.
import { type Adapter, hrHex, hrName, type Session, SUCCEEDED } from '../hosts/node/mod.ts';
import { authOf, type CliOptions, EXIT } from './args.ts';
import { failureExit, failureLine, type Outcome } from './outcome.ts';

const pad = (s: string | number, n: number) => String(s).padEnd(n);

export async function sessionRun(
  adapter: Adapter,
  o: CliOptions,
  say: (s: string) => void,
  progress: (s: string) => void,
  target: string,
  withIo: boolean,
  interrupted: AbortSignal,
): Promise<Outcome> {
  const auth = authOf(o);
  const logins = await Promise.all(Array.from({ length: o.sessions }, (_, i) =>
    adapter.loginToTarget({
      target,
      portal: o.portals[i % o.portals.length],
      auth,
      connectTimeoutMs: o.connectTimeoutMs,
      loginTimeoutMs: o.loginTimeoutMs,
    }).wait()));
  // Ctrl-C cancelled the logins still running; close() logs out the ones that completed.
  if (interrupted.aborted) {
    const cancelled = logins.filter((r) => !SUCCEEDED(r.hr)).length;
    return {
      code: EXIT.interrupted,
      json: { target, interrupted: true, loggedIn: logins.length - cancelled, loginsNotCompleted: cancelled },
    };
  }
  const failed = logins.filter((r) => !SUCCEEDED(r.hr));
  const lines = failed.map((r) => failureLine(`login to ${r.output.portal}`, r.hr, r.output));
  if (failed.length === logins.length) {
    const same = lines.every((l) => l === lines[0]);
    return {
      code: failureExit(failed[0].hr, failed[0].output.result),
      json: {
        target,
        error: failed.length > 1 ? `${same ? 'all' : 'the first of'} ${failed.length} logins: ${lines[0]}` : lines[0],
        logins: failed.map((r) => r.output),
      },
    };
  }
  for (const [line, n] of tally(lines)) progress(n > 1 ? `${n} logins: ${line}` : line);
  const t = adapter.queryTargets().find((x) => x.name === target)!;
  say(`${t.sessions.length} session(s) to ${target}:`);
  say(`  ${pad('session', 38)}${pad('portal', 24)}${pad('tsih', 8)}state`);
  for (const s of t.sessions) say(`  ${pad(s.id, 38)}${pad(s.portal, 24)}${pad(s.tsih, 8)}${s.state}`);

  let io: Promise<string>[] = [];
  if (withIo) {
    const disks = t.sessions.map((s) => adapter.session(s.id)!);
    await Promise.all(disks.map((d) => d.readCapacity())); // block sizes known: I/O starts at once
    // --drop: the built-in target cuts a connection in this first read; the session recovers
    // before the logout (a session already logging out when its connection fails does not).
    if (o.drop) await Promise.all(disks.map((d) => d.read(0, 0, 8)));
    io = disks.flatMap(inFlight);
  }
  if (withIo) say(`\n${io.length} reads and writes in flight; LogoutFromTarget drains them first ...`);
  else say('\nLogoutFromTarget ...');
  const started = performance.now();
  const op = adapter.logoutFromTarget(t.id, {
    deadlineMs: o.deadlineMs,
    logoutTimeoutMs: o.logoutTimeoutMs,
    concurrency: o.concurrency,
  });
  op.onProgress((p) => progress(`  progress ${String(p).padStart(3)}%`));
  const { hr, output } = await op.wait();
  const ms = performance.now() - started;
  const ioEnds = await Promise.all(io);
  say(`  ${pad('session', 38)}${pad('portal', 24)}${pad('reason', 34)}${withIo ? pad('drained', 9) : ''}result`);
  for (const s of output.sessions) {
    say(
      `  ${pad(s.sessionId, 38)}${pad(s.portal, 24)}${pad(s.reason, 34)}${
        withIo ? pad(s.commandsDrained, 9) : ''
      }${s.hrName} ${hrHex(s.hr)}`,
    );
  }
  if (withIo) say(`\nI/O: ${summary(ioEnds)}`);
  say(`\nresult: ${hrName(hr)} (${hrHex(hr)}) in ${ms.toFixed(1)} ms`);
  return {
    code: SUCCEEDED(hr) && !failed.length ? EXIT.ok : EXIT.failed,
    json: {
      target,
      hr,
      hrName: hrName(hr),
      hrHex: hrHex(hr),
      elapsedMs: Math.round(ms),
      sessions: output.sessions,
      loginFailures: failed.map((r) => r.output),
      ...(withIo ? { io: ioEnds } : {}),
    },
  };
}

// Two writes and two reads of 64 KiB each, left running; each settles to a word for the summary.
function inFlight(disk: Session): Promise<string>[] {
  const block = new Uint8Array(65536).fill(0x5a);
  const ended = (p: Promise<unknown>, what: string) =>
    p.then(() => `${what} ok`, (e) => `${what} ${(e as { reason?: string }).reason ?? (e as Error).message}`);
  return [
    ended(disk.write(0, 0, block), 'write'),
    ended(disk.write(0, 128, block), 'write'),
    ended(disk.read(0, 0, 128), 'read'),
    ended(disk.read(0, 128, 128), 'read'),
  ];
}
function tally(words: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}
function summary(ends: string[]): string {
  return [...tally(ends)].map(([k, n]) => `${n} ${k}`).join(', ');
}
