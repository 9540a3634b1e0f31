// The main job for a person: log in N sessions, show them, LogoutFromTarget with progress,
// then the per-session table and the aggregate result as name and hex.
import { type Auth, createAdapter, hrHex, hrName, SUCCEEDED } from '../hosts/node/mod.ts';
import { type RunningTarget, startTarget } from '../target/target.ts';
import { parseArgs, USAGE } from './args.ts';

const proc = (globalThis as unknown as {
  process: {
    argv: string[];
    env: Record<string, string | undefined>;
    exitCode?: number;
    stderr: { write(s: string): void; isTTY?: boolean };
  };
}).process;
const out = (s: string) => console.log(s);
const pad = (s: string | number, n: number) => String(s).padEnd(n);

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseArgs(proc.argv.slice(2), proc.env);
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    out(USAGE);
    return 0;
  }

  let own: RunningTarget | undefined;
  let target = opts.target;
  if (!opts.portals.length) {
    target ??= 'iqn.2026-11.dev.iscsi-adapter:demo';
    own = await startTarget({ targets: [{ name: target }] });
    opts.portals.push(own.portal);
    if (!opts.json) out(`started the built-in target ${target} on ${own.portal}`);
  }
  const adapter = createAdapter({ logoutTimeoutMs: opts.logoutTimeoutMs, concurrency: opts.concurrency });
  const auth: Auth | undefined = opts.user ? { method: 'chap', user: opts.user, secret: opts.secret } : undefined;
  try {
    if (!target) {
      const d = await adapter.discover(opts.portals[0]).wait({ timeoutMs: 20000 });
      if (!SUCCEEDED(d.hr) || !d.output.targets.length) {
        console.error(
          `discovery on ${opts.portals[0]}: ${hrName(d.hr)} ${hrHex(d.hr)}, ${d.output.targets.length} targets`,
        );
        return 1;
      }
      target = d.output.targets[0].name;
      if (!opts.json) out(`discovered ${d.output.targets.map((t) => t.name).join(', ')}; using ${target}`);
    }
    const logins = [];
    for (let i = 0; i < opts.sessions; i++) {
      const portal = opts.portals[i % opts.portals.length];
      logins.push(adapter.loginToTarget({ target, portal, auth }).wait({ timeoutMs: 30000 }));
    }
    const results = await Promise.all(logins);
    const failedLogins = results.filter((r) => !SUCCEEDED(r.hr));
    for (const r of failedLogins) {
      console.error(
        `login to ${r.output.portal}: ${hrName(r.hr)} ${hrHex(r.hr)} ${r.output.result ?? ''} status 0x${
          (r.output.status ?? 0).toString(16).padStart(4, '0')
        }`,
      );
    }
    const t = adapter.queryTargets().find((x) => x.name === target)!;
    if (!opts.json) {
      out(`\n${t.sessions.length} session(s) to ${target}:`);
      out(`  ${pad('session', 38)}${pad('portal', 24)}${pad('tsih', 8)}state`);
      for (const s of t.sessions) out(`  ${pad(s.id, 38)}${pad(s.portal, 24)}${pad(s.tsih, 8)}${s.state}`);
      out('\nLogoutFromTarget ...');
    }
    const started = performance.now();
    const op = adapter.logoutFromTarget(t.id, { deadlineMs: opts.deadlineMs });
    if (!opts.json) op.onProgress((p) => proc.stderr.write(`  progress ${String(p).padStart(3)}%\n`));
    const { hr, output } = await op.wait();
    const ms = performance.now() - started;
    if (opts.json) {
      out(
        JSON.stringify({
          target,
          hr,
          hrName: hrName(hr),
          hrHex: hrHex(hr),
          elapsedMs: Math.round(ms),
          sessions: output.sessions,
          loginFailures: failedLogins.map((r) => r.output),
        }),
      );
    } else {
      out(`  ${pad('session', 38)}${pad('portal', 24)}${pad('reason', 34)}result`);
      for (const s of output.sessions) {
        out(`  ${pad(s.sessionId, 38)}${pad(s.portal, 24)}${pad(s.reason, 34)}${s.hrName} ${hrHex(s.hr)}`);
      }
      out(`\nresult: ${hrName(hr)} (${hrHex(hr)}) in ${ms.toFixed(1)} ms`);
    }
    return SUCCEEDED(hr) && !failedLogins.length ? 0 : 1;
  } finally {
    await adapter.close();
    await own?.close();
  }
}

main().then((code) => {
  proc.exitCode = code;
}, (e) => {
  console.error(e);
  proc.exitCode = 1;
});
