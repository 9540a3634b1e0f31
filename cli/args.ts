// Command-line options for the demo / `iscsi-adapter` command.
export interface CliOptions {
  portals: string[];
  target?: string;
  sessions: number;
  json: boolean;
  help: boolean;
  user?: string;
  secret?: string;
  logoutTimeoutMs?: number;
  concurrency?: number;
  deadlineMs?: number;
}

export const USAGE = `iscsi-adapter: log in to an iSCSI target and run LogoutFromTarget on every session

  iscsi-adapter [--portal HOST[:PORT]]... [--target IQN] [--sessions N] [--json]
                [--chap-user USER] (secret from ISCSI_CHAP_SECRET) [--logout-timeout MS]
                [--concurrency N] [--deadline MS]

With no --portal it starts its own target on 127.0.0.1 (any free port) and uses that.
With a portal and no --target it discovers (SendTargets) and takes the first target.
Exit status 0 when the logout SUCCEEDED.`;

export function parseArgs(argv: string[], env: Record<string, string | undefined>): CliOptions {
  const o: CliOptions = { portals: [], sessions: 3, json: false, help: false, secret: env.ISCSI_CHAP_SECRET };
  const num = (v: string | undefined, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a whole number >= 1`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--portal':
        o.portals.push(val());
        break;
      case '--target':
        o.target = val();
        break;
      case '--sessions':
        o.sessions = num(val(), a);
        break;
      case '--json':
        o.json = true;
        break;
      case '--chap-user':
        o.user = val();
        break;
      case '--logout-timeout':
        o.logoutTimeoutMs = num(val(), a);
        break;
      case '--concurrency':
        o.concurrency = num(val(), a);
        break;
      case '--deadline':
        o.deadlineMs = num(val(), a);
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option ${a}`);
    }
  }
  if (o.user && !o.secret) throw new Error('--chap-user needs the secret in ISCSI_CHAP_SECRET');
  return o;
}
