// CHAP secrets never reach the screen: the messages are written without them, and what the
// command prints (error lines, the --json object) passes through hide() as well, should a secret
// come back inside some other text (a target name typed where the password belongs, say).
import type { CliOptions } from './args.ts';

const ENV = [
  'ISCSI_CHAP_SECRET',
  'ISCSI_CHAP_TARGET_SECRET',
  'ISCSI_DISCOVERY_CHAP_SECRET',
  'LIBISCSI_CHAP_PASSWORD',
  'LIBISCSI_CHAP_TARGET_PASSWORD',
];
// Shorter ones are not searched for: hiding every "ab" would garble the text and say little.
const LEAST = 4;

/** Every secret the options or the environment hold, longest first (one inside another). */
export function secretsOf(o: CliOptions | undefined, env: Record<string, string | undefined>): string[] {
  const ends = o?.dd
    ? [o.dd.from, o.dd.to].flatMap((e) => e.kind === 'lun' ? [e.auth.secret, e.auth.targetSecret] : [])
    : [];
  const all = [o?.secret, o?.targetSecret, o?.discoverySecret, ...ends, ...ENV.map((k) => env[k])];
  return [...new Set(all.filter((s): s is string => !!s && s.length >= LEAST))].sort((a, b) => b.length - a.length);
}

export function hide(text: string, secrets: string[]): string {
  for (const s of secrets) text = text.split(s).join('***');
  return text;
}

/** JSON.stringify with bigints as strings and the secrets hidden in every string. */
export function jsonText(v: unknown, secrets: string[]): string {
  return JSON.stringify(
    v,
    (_k, x) => (typeof x === 'bigint' ? x.toString() : typeof x === 'string' ? hide(x, secrets) : x),
  );
}
