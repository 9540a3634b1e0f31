// The commands that talk to a running daemon (docs/daemon.md, "The command"): login, sessions,
// logout-from-target, status, wait, cancel and node. Each prints what it learnt and ends with the
// CLI's usual exit statuses; the handle's calls are the same as in process.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  connectDaemon,
  DaemonError,
  DaemonUnreachableError,
  HR,
  hrHex,
  hrName,
  type LoginOutput,
  type LogoutOutput,
  RPC_ERROR,
  SUCCEEDED,
  type WireAuth,
} from '../hosts/node/mod.ts';
import type { DaemonClient } from '../hosts/node/mod.ts';
import type { DaemonCliOptions } from './daemon-args.ts';
import { EXIT } from './args.ts';
import { failureExit, failureLine, type Outcome } from './outcome.ts';
import { UsageError } from './usage-error.ts';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const status = (hr: number) => `${hrName(hr)} (${hrHex(hr)})`;

export async function daemonCommand(
  o: DaemonCliOptions,
  socket: string,
  env: Record<string, string | undefined>,
  say: (s: string) => void,
): Promise<Outcome> {
  let client: DaemonClient;
  try {
    client = await connectDaemon({ socket });
  } catch (e) {
    if (e instanceof DaemonUnreachableError) return { code: EXIT.unreachable, json: { error: e.message, socket } };
    throw e;
  }
  try {
    return await COMMANDS[o.command as keyof typeof COMMANDS](client, o, env, say);
  } catch (e) {
    if (!(e instanceof DaemonError)) throw e;
    const code = e.code === RPC_ERROR.unknownOperation
      ? EXIT.notFound
      : e.code === RPC_ERROR.invalidParams
      ? EXIT.usage
      : e.code === 'closed'
      ? EXIT.unreachable
      : EXIT.failed;
    return { code, json: { error: e.message } };
  } finally {
    await client.close();
  }
}

type Run = (
  c: DaemonClient,
  o: DaemonCliOptions,
  env: Record<string, string | undefined>,
  say: (s: string) => void,
) => Promise<Outcome>;

/** The secret itself, read here from a file or ISCSI_CHAP_SECRET: it crosses the private socket only. */
function secretOf(file: string | undefined, envValue: string | undefined, flag: string): string | undefined {
  if (!file) return envValue;
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new UsageError(`${flag} ${file}: ${(e as { code?: string }).code ?? 'unreadable'}`);
  }
}
function loginAuth(o: DaemonCliOptions, env: Record<string, string | undefined>): WireAuth | undefined {
  if (!o.user) return undefined;
  const secret = secretOf(o.secretFile, env.ISCSI_CHAP_SECRET, '--chap-secret-file');
  if (!secret) throw new UsageError('--chap-user needs ISCSI_CHAP_SECRET or --chap-secret-file FILE');
  if (!o.targetUser) return { method: 'chap', user: o.user, secret };
  const targetSecret = secretOf(o.targetSecretFile, env.ISCSI_CHAP_TARGET_SECRET, '--chap-target-secret-file');
  if (!targetSecret) {
    throw new UsageError('--chap-target-user needs ISCSI_CHAP_TARGET_SECRET or --chap-target-secret-file FILE');
  }
  return { method: 'mutual-chap', user: o.user, secret, targetUser: o.targetUser, targetSecret };
}

const login: Run = async (c, o, env, say) => {
  const op = c.loginToTarget({
    target: o.target!,
    portal: o.portal!,
    auth: loginAuth(o, env),
    connectTimeoutMs: o.connectTimeoutMs,
    loginTimeoutMs: o.loginTimeoutMs,
  });
  const id = await op.id;
  if (o.noWait) {
    say(id);
    return { code: EXIT.ok, json: { operation: id } };
  }
  const { hr, output } = await op.wait();
  const json = { operation: id, hr, hrName: hrName(hr), ...output };
  if (!SUCCEEDED(hr)) {
    return {
      code: failureExit(hr, output.result),
      json: { ...json, error: failureLine(`login to ${output.portal}`, hr, output) },
    };
  }
  say(`logged in to ${output.targetName} at ${output.portal}: session ${output.sessionId}, TSIH ${output.tsih}`);
  return { code: EXIT.ok, json };
};

const sessions: Run = async (c, _o, _env, say) => {
  const all = await c.sessions();
  say(`${pad('session', 38)}${pad('target', 40)}${pad('portal', 24)}${pad('tsih', 7)}${pad('state', 13)}inflight`);
  for (const s of all) {
    say(`${pad(s.id, 38)}${pad(s.target, 40)}${pad(s.portal, 24)}${pad(s.tsih, 7)}${pad(s.state, 13)}${s.inflight}`);
  }
  return { code: EXIT.ok, json: { sessions: all } };
};

/** The end of a logout: each session's outcome, then the aggregate, as logout-test prints them. */
function logoutEnd(id: string, hr: number, out: LogoutOutput, say: (s: string) => void): Outcome {
  say(`  ${pad('session', 38)}${pad('portal', 24)}${pad('reason', 34)}result`);
  for (const s of out.sessions ?? []) {
    say(`  ${pad(s.sessionId, 38)}${pad(s.portal, 24)}${pad(s.reason, 34)}${s.hrName} ${hrHex(s.hr)}`);
  }
  say(`result: ${status(hr)}`);
  const json = { operation: id, hr, hrName: hrName(hr), hrHex: hrHex(hr), ...out };
  if (SUCCEEDED(hr)) return { code: EXIT.ok, json };
  return {
    code: hr === HR.VDS_E_TIMEOUT ? EXIT.timeout : EXIT.failed,
    json: { ...json, error: `${id}: ${status(hr)}` },
  };
}

const logoutFromTarget: Run = async (c, o, _env, say) => {
  const op = c.logoutFromTarget(o.arg!, {
    ...(o.inflight ? { inflight: o.inflight } : {}),
    ...(o.deadlineMs !== undefined ? { deadlineMs: o.deadlineMs } : {}),
  });
  const id = await op.id;
  if (o.noWait) {
    say(id);
    return { code: EXIT.ok, json: { operation: id } };
  }
  const { hr, output } = await op.wait();
  return logoutEnd(id, hr, output, say);
};

const statusOf: Run = async (c, o, _env, say) => {
  const op = await c.operation(o.arg!);
  const s = op.queryStatus();
  say(`${o.arg}: ${status(s.hr)}, ${s.percentCompleted}%`);
  return { code: EXIT.ok, json: { operation: o.arg, ...s, hrName: hrName(s.hr), done: op.done } };
};

const wait: Run = async (c, o, _env, say) => {
  const op = await c.operation<LoginOutput | LogoutOutput>(o.arg!);
  const { hr, output } = await op.wait(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs });
  if (hr >>> 0 === HR.VDS_E_TIMEOUT && !op.done) {
    return { code: EXIT.timeout, json: { operation: o.arg, hr, hrName: hrName(hr), error: `${o.arg}: still running` } };
  }
  if (op.type === 61) return logoutEnd(o.arg!, hr, output as LogoutOutput, say);
  const out = output as LoginOutput;
  say(`${o.arg}: ${status(hr)}${out.sessionId ? `: session ${out.sessionId}, TSIH ${out.tsih}` : ''}`);
  const json = { operation: o.arg, hr, hrName: hrName(hr), ...out };
  return SUCCEEDED(hr)
    ? { code: EXIT.ok, json }
    : { code: failureExit(hr, out.result), json: { ...json, error: failureLine(`login to ${out.portal}`, hr, out) } };
};

const cancel: Run = async (c, o, _env, say) => {
  const op = await c.operation(o.arg!);
  const hr = await op.cancel();
  say(`${o.arg}: cancel: ${status(hr)}`);
  const json = { operation: o.arg, hr, hrName: hrName(hr) };
  return SUCCEEDED(hr)
    ? { code: EXIT.ok, json }
    : { code: EXIT.failed, json: { ...json, error: `cancel: ${status(hr)}` } };
};

const node: Run = async (c, o, _env, say) => {
  if (o.verb === 'remove') {
    const n = await c.nodes.remove(o.arg!, o.portal);
    say(`${n} node record(s) removed`);
    return n
      ? { code: EXIT.ok, json: { removed: n } }
      : { code: EXIT.notFound, json: { removed: 0, error: `no node record for ${o.arg}` } };
  }
  if (o.verb === 'add') {
    const ref = (file?: string) => (file ? resolve(file) : undefined);
    const auth: WireAuth | undefined = o.user
      ? {
        method: o.targetUser ? 'mutual-chap' : 'chap',
        user: o.user,
        ...(o.targetUser ? { targetUser: o.targetUser } : {}),
        ...(o.secretFile ? { secretFile: ref(o.secretFile) } : { secretEnv: o.secretEnv }),
        ...(o.targetSecretFile ? { targetSecretFile: ref(o.targetSecretFile) } : {}),
        ...(o.targetSecretEnv ? { targetSecretEnv: o.targetSecretEnv } : {}),
      }
      : undefined;
    await c.nodes.add({
      portal: o.portal!,
      target: o.target!,
      startup: o.startup ?? 'manual',
      ...(auth ? { auth } : {}),
    });
    say(`node record: ${o.target} at ${o.portal} (${o.startup ?? 'manual'})`);
    return { code: EXIT.ok, json: { portal: o.portal, target: o.target, startup: o.startup ?? 'manual' } };
  }
  const nodes = await c.nodes.list();
  say(`${pad('target', 40)}${pad('portal', 24)}${pad('startup', 11)}auth`);
  for (const n of nodes) {
    const a = n.auth && n.auth.method !== 'none'
      ? `${n.auth.method} ${n.auth.user} (${
        n.auth.secretFile ? `file ${n.auth.secretFile}` : `env ${n.auth.secretEnv}`
      })`
      : 'none';
    say(`${pad(n.target, 40)}${pad(n.portal, 24)}${pad(n.startup, 11)}${a}`);
  }
  return { code: EXIT.ok, json: { nodes } };
};

const COMMANDS = {
  login,
  sessions,
  'logout-from-target': logoutFromTarget,
  status: statusOf,
  wait,
  cancel,
  node,
};
