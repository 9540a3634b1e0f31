// `iscsi-adapter`: the commands of cli/args.ts. Every failure ends with one line (or one JSON
// object with --json) and a distinct exit status; never a stack trace. Ctrl-C logs out what is
// open, bounded, then exits 130; a second Ctrl-C exits at once.
import { type Adapter, createAdapter } from '../hosts/node/mod.ts';
import { type RunningTarget, startTarget } from '../target/target.ts';
import { type CliOptions, EXIT, parseArgs, USAGE, UsageError } from './args.ts';
import type { Outcome } from './outcome.ts';
import { sessionRun } from './session-run.ts';
import { discover, pickTarget } from './discover.ts';
import { probe } from './probe.ts';
import type { DiskRun } from './disk.ts';
import { ls } from './ls.ts';
import { inq } from './inq.ts';
import { readcap } from './readcap.ts';
import { read } from './read.ts';
import { write } from './write.ts';
import { dd } from './dd.ts';
import { hide, jsonText, secretsOf } from './secrets.ts';
import { daemonCli, isDaemonCommand } from './daemon-cli.ts';
import { bridgeCli } from './bridge.ts';

declare const __VERSION__: string;
const proc = (globalThis as unknown as {
  process: {
    argv: string[];
    env: Record<string, string | undefined>;
    exitCode?: number;
    exit(code: number): never;
    on(sig: string, fn: () => void): void;
    stdout: Parameters<typeof read>[1];
    stderr: { write(s: string): void; isTTY?: boolean };
  };
}).process;
/** What main() prints is passed through hide() with these (cli/secrets.ts). */
let secrets = secretsOf(undefined, proc.env);

async function run(o: CliOptions, adapter: Adapter, interrupted: AbortSignal): Promise<Outcome> {
  const say = (s: string) => {
    if (!o.json) console.log(s);
  };
  const progress = (s: string) => {
    if (!o.json) proc.stderr.write(`${s}\n`);
  };
  if (o.command === 'discover') return discover(adapter, o, say);
  if (o.command === 'probe') return probe(adapter, o, say);
  const warn = (s: string) => void proc.stderr.write(`${hide(s, secrets)}\n`);
  const disk: DiskRun = { adapter, o, say, warn, interrupted };
  if (o.command === 'ls') return ls(disk);
  if (o.command === 'inq') return inq(disk);
  if (o.command === 'readcap') return readcap(disk);
  if (o.command === 'read') return read(disk, proc.stdout, proc.stderr);
  if (o.command === 'write') return write(disk, proc.stderr);
  if (o.command === 'dd') return dd(disk, proc.stderr);
  if (o.command === 'logout-test') {
    const target = await pickTarget(adapter, o, say);
    return typeof target === 'string' ? sessionRun(adapter, o, say, progress, target, false, interrupted) : target;
  }
  const name = 'iqn.2026-11.dev.iscsi-adapter:demo';
  // Before the target starts: an interrupt during its start closes the adapter, and a listener
  // added after that would be refused.
  adapter.on((e) => {
    if (e.type === 'session-recovering') {
      progress(`  session ${e.sessionId} lost its connection (${e.cause}); recovering`);
    }
    if (e.type === 'session-recovered') {
      progress(`  session ${e.sessionId} recovered at ${e.portal}, TSIH ${e.tsih}, after ${e.attempts} attempt(s)`);
    }
  });
  const own: RunningTarget = await startTarget({ targets: [{ name, ...(o.drop ? { fault: 'drop-mid-read' } : {}) }] });
  say(`started the built-in target ${name} on ${own.portal}${o.drop ? ', dropping the first read' : ''}`);
  try {
    return await sessionRun(adapter, { ...o, portals: [own.portal] }, say, progress, name, true, interrupted);
  } finally {
    await adapter.close();
    await own.close();
  }
}

async function main(): Promise<number> {
  const args = proc.argv.slice(2);
  if (args[0] === 'bridge' && !args.includes('--help') && !args.includes('-h')) return bridgeCli(args);
  if (isDaemonCommand(args[0]) && !args.includes('--help') && !args.includes('-h')) {
    return daemonCli(args, proc.env, secrets);
  }
  let o: CliOptions;
  try {
    const parsed = parseArgs(proc.argv.slice(2), proc.env);
    if (parsed === 'help') {
      console.log(USAGE);
      return EXIT.ok;
    }
    if (parsed === 'version') {
      console.log(__VERSION__);
      return EXIT.ok;
    }
    o = parsed;
    secrets = secretsOf(o, proc.env);
  } catch (e) {
    const wantsJson = proc.argv.includes('--json');
    if (wantsJson) console.log(jsonText({ error: (e as Error).message }, secrets));
    else {console.error(
        hide(`iscsi-adapter: ${(e as Error).message}\n(iscsi-adapter --help lists the commands)`, secrets),
      );}
    return EXIT.usage;
  }
  let adapter: Adapter;
  try {
    adapter = createAdapter({
      initiatorName: o.initiatorName,
      logoutTimeoutMs: o.logoutTimeoutMs,
      concurrency: o.concurrency,
    });
  } catch (e) {
    return fail(o, (e as Error).message, EXIT.usage);
  }
  const interrupt = new AbortController();
  let closing: Promise<void> | undefined;
  let backstop: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (interrupt.signal.aborted) proc.exit(EXIT.interrupted);
    interrupt.abort();
    proc.stderr.write('interrupted: logging out what is open (Ctrl-C again to quit at once)\n');
    // Bounded: a logout already running keeps its own timeouts, so the wait is capped here too.
    backstop = setTimeout(() => {
      proc.stderr.write('interrupted: the logout did not end within 3 s; sessions may still be open\n');
      proc.exit(EXIT.interrupted);
    }, 3000);
    closing = adapter.close({ logoutTimeoutMs: 2000, graceMs: 200 });
  };
  proc.on('SIGINT', stop);
  proc.on('SIGTERM', stop);
  try {
    let r = await run(o, adapter, interrupt.signal);
    if (interrupt.signal.aborted) r = await afterInterrupt(adapter, closing!, r);
    if (o.json) console.log(jsonText(r.json, secrets));
    else if (r.code !== EXIT.ok && typeof r.json.error === 'string') {
      console.error(hide(`iscsi-adapter: ${r.json.error}`, secrets));
    }
    return r.code;
  } catch (e) {
    return fail(
      o,
      e instanceof UsageError ? e.message : (e as Error).message ?? String(e),
      e instanceof UsageError ? EXIT.usage : EXIT.failed,
    );
  } finally {
    await adapter.close();
    clearTimeout(backstop);
  }
}

/** Once close() has logged out what the run left open: what was cancelled, and whether anything is left. */
async function afterInterrupt(adapter: Adapter, closing: Promise<void>, r: Outcome): Promise<Outcome> {
  await closing;
  const open = adapter.queryTargets().reduce((n, t) => n + t.sessions.length, 0);
  const cancelled = typeof r.json.loginsNotCompleted === 'number'
    ? `${r.json.loginsNotCompleted} login(s) cancelled; `
    : '';
  const error = `interrupted: ${cancelled}${open ? `${open} session(s) still open` : 'every session is logged out'}`;
  return { code: EXIT.interrupted, json: { ...r.json, interrupted: true, sessionsOpen: open, error } };
}

function fail(o: CliOptions, message: string, code: number): number {
  if (o.json) console.log(jsonText({ error: message }, secrets));
  else console.error(hide(`iscsi-adapter: ${message}`, secrets));
  return code;
}

main().then((code) => {
  proc.exitCode = code;
}, (e) => {
  console.error(hide(`iscsi-adapter: ${(e as Error)?.message ?? e}`, secrets));
  proc.exitCode = EXIT.failed;
});
