// Command-line options: `iscsi-adapter COMMAND [URL] [--option value | --option=value]...`.
import type { Auth } from '../hosts/node/mod.ts';
import { checkFlagsFit, DISK_COMMANDS, diskOptions } from './disk-args.ts';
import { type DdFlags, ddSpec } from './dd-args.ts';
import type { CliOptions, Command } from './options.ts';
import { redactUrl } from './url.ts';
import { UsageError } from './usage-error.ts';
export { UsageError };
export type { CliOptions, Command };

/** Exit statuses, one per way a run can end (listed in --help). */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  auth: 3,
  notFound: 4,
  unreachable: 5,
  timeout: 6,
  interrupted: 130,
} as const;

export const USAGE = `iscsi-adapter: an iSCSI initiator (RFC 7143) with the Windows VDS LogoutFromTarget

  iscsi-adapter demo        [--sessions N] [--drop] [--json]
      start the built-in target, log in N sessions (default 3), put reads and writes in
      flight, and LogoutFromTarget while they drain; with --drop the target cuts the
      connection in the middle of the first read, and the sessions recover (docs/io.md)
  iscsi-adapter logout-test --portal HOST[:PORT]... [--target IQN] [--sessions N] [--json]
      log in N sessions to a real target (the first one discovered unless --target), then
      LogoutFromTarget on all of them
  iscsi-adapter discover    --portal HOST[:PORT] [--chap-user USER] [--json]
      SendTargets: every target the portal offers, with its portals (like iscsi-ls)
  iscsi-adapter probe       --portal HOST[:PORT] [--target IQN] [--json]
      log in, list each LUN's type, vendor, product, serial and capacity, log out

Disk commands, as libiscsi's tools (each logs in, does its work and logs out):
  iscsi-adapter ls      iscsi://HOST[:PORT] [--show-luns]      like iscsi-ls [-s]
  iscsi-adapter inq     URL [--evpd] [--page N]                like iscsi-inq [-e 1 -c N]
  iscsi-adapter readcap URL                                    like iscsi-readcapacity16
  iscsi-adapter read    URL --lba N --blocks N [--out FILE]    blocks to FILE, or to stdout
  iscsi-adapter write   URL --lba N FILE                       FILE: a whole number of blocks
  iscsi-adapter dd      --if URL|FILE --of URL|FILE [--bs BYTES] [--count N] [--depth N] [--verify]
      copy a LUN to a file, a file to a LUN or a LUN to a LUN: --bs bytes per command (default
      256 KiB), --count of them (default all of --if), --depth commands in flight (default 16),
      --verify reads each chunk back; a progress line on a terminal
  URL: iscsi://[USER[%PASSWORD]@]HOST[:PORT]/TARGET-NAME/LUN, an IPv6 HOST in brackets,
  PORT 3260 by default; ?target_user=T&target_password=S for mutual CHAP, ?auth=sha-256,
  ?header_digest=crc32c, ?data_digest=crc32c. Without a password in the URL it comes from
  ISCSI_CHAP_SECRET or LIBISCSI_CHAP_PASSWORD (the user from LIBISCSI_CHAP_USERNAME, the
  target's from ISCSI_CHAP_TARGET_SECRET or LIBISCSI_CHAP_TARGET_{USERNAME,PASSWORD}).

The daemon, which holds the host's sessions between commands (docs/daemon.md):
  iscsi-adapter daemon [--foreground] [--socket PATH] [--group NAME] [--nodes FILE]
      [--keep MS] [--stop-timeout MS] [--max-clients N]; SIGTERM logs out of every target, then exits
  iscsi-adapter login --portal HOST[:PORT] --target IQN [--chap-user U] [--chap-secret-file F] [--no-wait]
  iscsi-adapter sessions
  iscsi-adapter logout-from-target IQN [--inflight drain|abort|refuse] [--deadline MS] [--no-wait]
      --no-wait prints the operation id, for:
  iscsi-adapter status OP | wait OP [--timeout MS] | cancel OP
  iscsi-adapter node add --portal P --target IQN [--startup manual|automatic]
      [--chap-user U --chap-secret-file F | --chap-secret-env NAME]; node remove IQN; node list
  They talk to the daemon at --socket, ISCSI_ADAPTER_SOCKET, or $XDG_RUNTIME_DIR/iscsi-adapter/
  daemon.sock (/run/iscsi-adapter/daemon.sock for root); none running there: exit 5.

The bridge, through which a browser reaches targets (docs/bridge.md):
  iscsi-adapter bridge --allow HOST:PORT[,...] --token-file FILE [--listen HOST:PORT]
      [--origin URL[,...]] [--max-connections N] [--max-per-address N] [--idle-ms MS]
      [--connect-ms MS] [--quiet]
      a WebSocket-to-TCP relay (default 127.0.0.1:8080) to the allowed portals only, for
      clients that send the token (a file of mode 600); SIGINT or SIGTERM stops it

Options (--name value or --name=value):
  --chap-user USER          CHAP (discovery and login); the secret comes from ISCSI_CHAP_SECRET
  --chap-target-user USER   mutual CHAP: the name the target must answer with; its secret
                            comes from ISCSI_CHAP_TARGET_SECRET (and must differ from ours)
  --discovery-chap-user U   CHAP for discovery (discover, ls), the secret from
                            ISCSI_DISCOVERY_CHAP_SECRET; without it discover uses --chap-user
                            and ls none (its URL's credentials are for the targets' logins)
  --initiator-name IQN      default: iqn.2026-11.dev.iscsi-adapter:<adapter id>
  --connect-timeout MS      default 5000
  --login-timeout MS        default 15000
  --logout-timeout MS       per session, default 15000
  --concurrency N           sessions logged out at once, 1 to 512 (default 64)
  --deadline MS             for the whole LogoutFromTarget (default none)
  --sessions N              1 to 512 (the adapter holds at most 512 sessions)
  --json                    one JSON object on stdout, failures included
  --version, --help

Exit status: 0 success, 1 the operation failed, 2 bad usage, 3 authentication failed,
4 target not found, 5 portal unreachable, 6 timed out, 130 interrupted (Ctrl-C).`;

const COMMANDS: Command[] = ['demo', 'logout-test', 'discover', 'probe', ...DISK_COMMANDS, 'dd'];

export function parseArgs(argv: string[], env: Record<string, string | undefined>): CliOptions | 'help' | 'version' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  if (argv.includes('--version')) return 'version';
  const [command, ...rest] = argv;
  if (!command) throw new UsageError(`a command is needed: ${COMMANDS.join(', ')}`);
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command ${command}`);
  const o: CliOptions = {
    command: command as Command,
    portals: [],
    sessions: 3,
    json: false,
    drop: false,
    showLuns: false,
    evpd: false,
    secret: env.ISCSI_CHAP_SECRET,
    targetSecret: env.ISCSI_CHAP_TARGET_SECRET,
    discoverySecret: env.ISCSI_DISCOVERY_CHAP_SECRET,
  };
  const positional: string[] = [];
  const dd: DdFlags = { verify: false };
  const num = (v: string, name: string, lo: number, hi: number) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < lo || n > hi) {
      throw new UsageError(`${name} must be a whole number from ${lo} to ${hi}`);
    }
    return n;
  };
  for (let i = 0; i < rest.length; i++) {
    if (!rest[i].startsWith('-') || rest[i] === '-') {
      positional.push(rest[i]);
      continue;
    }
    const [flag, inline] = rest[i].startsWith('--') && rest[i].includes('=')
      ? [rest[i].slice(0, rest[i].indexOf('=')), rest[i].slice(rest[i].indexOf('=') + 1)]
      : [rest[i], undefined];
    const val = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const ms = () => num(val(), flag, 1, 0x7fffffff);
    switch (flag) {
      case '--portal':
        o.portals.push(val());
        break;
      case '--target':
        o.target = val();
        break;
      case '--sessions':
        o.sessions = num(val(), flag, 1, 512);
        break;
      case '--drop':
        o.drop = true;
        break;
      case '--json':
        o.json = true;
        break;
      case '--chap-user':
        o.user = val();
        break;
      case '--chap-target-user':
        o.targetUser = val();
        break;
      case '--initiator-name':
        o.initiatorName = val();
        break;
      case '--connect-timeout':
        o.connectTimeoutMs = ms();
        break;
      case '--login-timeout':
        o.loginTimeoutMs = ms();
        break;
      case '--logout-timeout':
        o.logoutTimeoutMs = ms();
        break;
      case '--deadline':
        o.deadlineMs = ms();
        break;
      case '--concurrency':
        o.concurrency = num(val(), flag, 1, 512);
        break;
      case '--discovery-chap-user':
        o.discoveryUser = val();
        break;
      case '--show-luns':
        o.showLuns = true;
        break;
      case '--evpd':
        o.evpd = true;
        break;
      case '--page': {
        const v = val();
        const n = /^0x[0-9a-f]{1,2}$/i.test(v) ? parseInt(v, 16) : /^\d{1,3}$/.test(v) ? Number(v) : NaN;
        if (!(n >= 0 && n <= 255)) throw new UsageError('--page must be a page code from 0 to 255 (or 0x00 to 0xff)');
        o.page = n;
        o.evpd = true;
        break;
      }
      case '--lba': {
        const v = val();
        if (!/^\d{1,20}$/.test(v) || BigInt(v) >= 1n << 64n) {
          throw new UsageError('--lba must be a whole number from 0 to 2^64-1');
        }
        o.lba = BigInt(v);
        break;
      }
      case '--blocks':
        o.blocks = num(val(), flag, 1, 0xffffffff);
        break;
      case '--out':
        o.out = val();
        break;
      case '--if':
      case '--of':
        dd[flag === '--if' ? 'if' : 'of'] = val();
        break;
      case '--bs':
        dd.bs = num(val(), flag, 1, 0x7fffffff);
        break;
      case '--count':
        dd.count = num(val(), flag, 1, Number.MAX_SAFE_INTEGER);
        break;
      case '--depth':
        dd.depth = num(val(), flag, 1, 1024);
        break;
      case '--verify':
        dd.verify = true;
        break;
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (o.discoveryUser && !o.discoverySecret) {
    throw new UsageError('--discovery-chap-user needs the secret in ISCSI_DISCOVERY_CHAP_SECRET');
  }
  checkFlagsFit(o);
  const ddGiven = Object.keys(dd).find((k) => k !== 'verify' || dd.verify);
  if (o.command !== 'dd' && ddGiven) throw new UsageError(`--${ddGiven} is for dd`);
  if (DISK_COMMANDS.includes(o.command)) return diskOptions(o, positional, env);
  if (o.command === 'dd') {
    if (positional.length) throw new UsageError(`dd takes --if and --of, not "${redactUrl(positional[0])}"`);
    if (o.portals.length || o.target) throw new UsageError('dd takes its targets from the --if and --of URLs');
    return { ...o, dd: ddSpec(o, dd, env) };
  }
  if (positional.length) throw new UsageError(`${o.command} takes no argument "${redactUrl(positional[0])}"`);
  if (o.user && !o.secret) throw new UsageError('--chap-user needs the secret in ISCSI_CHAP_SECRET');
  if (o.targetUser && !o.user) throw new UsageError('--chap-target-user (mutual CHAP) needs --chap-user too');
  if (o.targetUser && !o.targetSecret) {
    throw new UsageError("--chap-target-user needs the target's secret in ISCSI_CHAP_TARGET_SECRET");
  }
  if (o.command !== 'demo' && !o.portals.length) throw new UsageError(`${o.command} needs --portal HOST[:PORT]`);
  if (o.drop && o.command !== 'demo') {
    throw new UsageError('--drop is for demo: it plays a fault of the built-in target');
  }
  if (o.command === 'demo' && o.portals.length) {
    throw new UsageError('demo runs against its own built-in target; use logout-test for a portal');
  }
  if (o.command !== 'logout-test' && o.command !== 'demo' && o.portals.length > 1) {
    throw new UsageError(`${o.command} takes one --portal`);
  }
  return o;
}

/** The authentication the options ask for: none, CHAP, or mutual CHAP. */
export function authOf(o: CliOptions): Auth | undefined {
  if (!o.user || !o.secret) return undefined;
  const algorithms = o.algorithms ? { algorithms: o.algorithms } : {};
  if (o.targetUser && o.targetSecret) {
    return {
      method: 'mutual-chap',
      user: o.user,
      secret: o.secret,
      targetUser: o.targetUser,
      targetSecret: o.targetSecret,
      ...algorithms,
    };
  }
  return { method: 'chap', user: o.user, secret: o.secret, ...algorithms };
}

/** Discovery's authentication: --discovery-chap-user when given, else the login's. */
export function discoveryAuthOf(o: CliOptions): Auth | undefined {
  if (o.discoveryUser && o.discoverySecret) {
    return { method: 'chap', user: o.discoveryUser, secret: o.discoverySecret };
  }
  return authOf(o);
}
