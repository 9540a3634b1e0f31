// The command line of the daemon and of the commands that talk to it (docs/daemon.md, "The
// command"). Secrets never come from the command line: a file or the environment holds them.
import { UsageError } from './usage-error.ts';

export const DAEMON_COMMANDS = [
  'daemon',
  'login',
  'sessions',
  'logout-from-target',
  'status',
  'wait',
  'cancel',
  'node',
] as const;
export type DaemonCommand = typeof DAEMON_COMMANDS[number];

export interface DaemonCliOptions {
  command: DaemonCommand;
  /** `node`'s verb: add, remove or list. */
  verb?: 'add' | 'remove' | 'list';
  /** The IQN (logout-from-target, node remove) or the operation id (status, wait, cancel). */
  arg?: string;
  socket?: string;
  json: boolean;
  foreground: boolean;
  noWait: boolean;
  group?: string;
  nodesFile?: string;
  keepMs?: number;
  stopTimeoutMs?: number;
  maxClients?: number;
  initiatorName?: string;
  portal?: string;
  target?: string;
  user?: string;
  targetUser?: string;
  secretFile?: string;
  targetSecretFile?: string;
  secretEnv?: string;
  targetSecretEnv?: string;
  startup?: 'manual' | 'automatic';
  inflight?: 'drain' | 'abort' | 'refuse';
  deadlineMs?: number;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  loginTimeoutMs?: number;
}

const OPTIONS: Record<
  string,
  { key: keyof DaemonCliOptions; for: DaemonCommand[]; kind: 'flag' | 'text' | 'ms' | 'count' }
> = {
  '--socket': { key: 'socket', for: [...DAEMON_COMMANDS], kind: 'text' },
  '--json': {
    key: 'json',
    for: ['login', 'sessions', 'logout-from-target', 'status', 'wait', 'cancel', 'node'],
    kind: 'flag',
  },
  '--foreground': { key: 'foreground', for: ['daemon'], kind: 'flag' },
  '--group': { key: 'group', for: ['daemon'], kind: 'text' },
  '--nodes': { key: 'nodesFile', for: ['daemon'], kind: 'text' },
  '--keep': { key: 'keepMs', for: ['daemon'], kind: 'ms' },
  '--stop-timeout': { key: 'stopTimeoutMs', for: ['daemon'], kind: 'ms' },
  '--max-clients': { key: 'maxClients', for: ['daemon'], kind: 'count' },
  '--initiator-name': { key: 'initiatorName', for: ['daemon'], kind: 'text' },
  '--no-wait': { key: 'noWait', for: ['login', 'logout-from-target'], kind: 'flag' },
  '--portal': { key: 'portal', for: ['login', 'node'], kind: 'text' },
  '--target': { key: 'target', for: ['login', 'node'], kind: 'text' },
  '--chap-user': { key: 'user', for: ['login', 'node'], kind: 'text' },
  '--chap-target-user': { key: 'targetUser', for: ['login', 'node'], kind: 'text' },
  '--chap-secret-file': { key: 'secretFile', for: ['login', 'node'], kind: 'text' },
  '--chap-target-secret-file': { key: 'targetSecretFile', for: ['login', 'node'], kind: 'text' },
  '--chap-secret-env': { key: 'secretEnv', for: ['node'], kind: 'text' },
  '--chap-target-secret-env': { key: 'targetSecretEnv', for: ['node'], kind: 'text' },
  '--startup': { key: 'startup', for: ['node'], kind: 'text' },
  '--inflight': { key: 'inflight', for: ['logout-from-target'], kind: 'text' },
  '--deadline': { key: 'deadlineMs', for: ['logout-from-target'], kind: 'ms' },
  '--timeout': { key: 'timeoutMs', for: ['wait'], kind: 'ms' },
  '--connect-timeout': { key: 'connectTimeoutMs', for: ['login'], kind: 'ms' },
  '--login-timeout': { key: 'loginTimeoutMs', for: ['login'], kind: 'ms' },
};

export function parseDaemonArgs(argv: string[]): DaemonCliOptions {
  const [command, ...rest] = argv as [DaemonCommand, ...string[]];
  const o: DaemonCliOptions = { command, json: false, foreground: false, noWait: false };
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const spec = OPTIONS[flag];
    if (!spec) {
      throw new UsageError(
        flag === '--chap-secret' || flag === '--password'
          ? `${flag}: secrets never go on the command line; use ISCSI_CHAP_SECRET or --chap-secret-file FILE`
          : `unknown option ${flag}`,
      );
    }
    if (!spec.for.includes(command)) throw new UsageError(`${flag} is for ${spec.for.join(', ')}`);
    if (spec.kind === 'flag') {
      (o as unknown as Record<string, unknown>)[spec.key] = true;
      continue;
    }
    const v = eq > 0 ? a.slice(eq + 1) : rest[++i];
    if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
    if (spec.kind === 'ms') {
      if (!/^\d+$/.test(v) || Number(v) > 0x7fffffff) {
        throw new UsageError(`${flag} must be a whole number of milliseconds, 0 to 2^31-1`);
      }
      (o as unknown as Record<string, unknown>)[spec.key] = Number(v);
    } else if (spec.kind === 'count') {
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65536) {
        throw new UsageError(`${flag} must be a whole number, 1 to 65536`);
      }
      (o as unknown as Record<string, unknown>)[spec.key] = Number(v);
    } else (o as unknown as Record<string, unknown>)[spec.key] = v;
  }
  if (o.inflight && !['drain', 'abort', 'refuse'].includes(o.inflight)) {
    throw new UsageError('--inflight must be drain, abort or refuse');
  }
  if (o.startup && o.startup !== 'manual' && o.startup !== 'automatic') {
    throw new UsageError('--startup must be manual or automatic');
  }
  return positionals(o, positional);
}

function positionals(o: DaemonCliOptions, p: string[]): DaemonCliOptions {
  const c = o.command;
  const exactly = (n: number, what: string) => {
    if (p.length !== n) throw new UsageError(`${c} takes ${what}`);
  };
  if (c === 'node') {
    const verb = p.shift();
    if (verb !== 'add' && verb !== 'remove' && verb !== 'list') throw new UsageError('node takes add, remove or list');
    o.verb = verb;
    if (verb === 'remove') {
      exactly(1, 'remove IQN [--portal HOST[:PORT]]');
      o.arg = p[0];
    } else exactly(0, `${verb} and options only`);
    if (verb === 'add' && (!o.portal || !o.target)) throw new UsageError('node add needs --portal and --target');
    if (verb === 'add' && o.user && !o.secretFile && !o.secretEnv) {
      throw new UsageError('node add --chap-user needs --chap-secret-file FILE or --chap-secret-env NAME');
    }
    return o;
  }
  if (c === 'logout-from-target') exactly(1, 'the target IQN (or id)');
  else if (c === 'status' || c === 'wait' || c === 'cancel') exactly(1, 'an operation id');
  else exactly(0, 'options only');
  o.arg = p[0];
  if (c === 'login' && (!o.portal || !o.target)) throw new UsageError('login needs --portal and --target');
  return o;
}
