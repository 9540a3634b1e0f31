// `iscsi-adapter bridge`'s command line (docs/bridge.md, "The command"). The token comes from a
// file only: a command line is visible to every user of the machine.
import { UsageError } from './usage-error.ts';
import { normalizeOrigins } from '../bridge/origins.ts';

export interface BridgeCliOptions {
  host: string;
  port: number;
  allow: string[];
  tokenFile: string;
  origins?: string[];
  maxConnections?: number;
  maxPerAddress?: number;
  idleMs?: number;
  connectMs?: number;
  quiet: boolean;
}

const count = (flag: string, v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} takes a positive whole number, not "${v}"`);
  return Number(v);
};

export function parseBridgeArgs(argv: string[]): BridgeCliOptions {
  const o: Partial<BridgeCliOptions> & { quiet: boolean } = { quiet: false };
  for (let i = 1; i < argv.length; i++) {
    // `--name value` or `--name=value`, as every other command takes them (--help says so).
    const eq = argv[i].startsWith('--') ? argv[i].indexOf('=') : -1;
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    if (flag === '--quiet') {
      if (eq > 0) throw new UsageError('--quiet takes no value');
      o.quiet = true;
      continue;
    }
    const v = eq > 0 ? argv[i].slice(eq + 1) : argv[++i];
    if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
    if (flag === '--listen') {
      const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(v);
      if (!m || Number(m[2]) > 65535) throw new UsageError(`--listen takes HOST:PORT, not "${v}"`);
      [o.host, o.port] = [m[1].replace(/^\[|\]$/g, ''), Number(m[2])];
    } else if (flag === '--allow') o.allow = [...(o.allow ?? []), ...v.split(',').filter(Boolean)];
    else if (flag === '--token-file') o.tokenFile = v;
    else if (flag === '--origin') o.origins = [...(o.origins ?? []), ...v.split(',').filter(Boolean)];
    else if (flag === '--connect-ms') o.connectMs = count(flag, v);
    else if (flag === '--max-connections') o.maxConnections = count(flag, v);
    else if (flag === '--max-per-address') o.maxPerAddress = count(flag, v);
    else if (flag === '--idle-ms') o.idleMs = count(flag, v);
    else throw new UsageError(`unknown option ${flag}`);
  }
  if (!o.allow?.length) throw new UsageError('bridge needs --allow HOST:PORT[,...]: the portals clients may reach');
  if (!o.tokenFile) throw new UsageError('bridge needs --token-file FILE: the token every client must send');
  try {
    if (o.origins) o.origins = normalizeOrigins(o.origins);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { host: '127.0.0.1', port: 8080, ...o } as BridgeCliOptions;
}
