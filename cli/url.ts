// iSCSI URLs as libiscsi's tools take them (RFC 4173 style):
//   iscsi://[user[%password]@]host[:port]/target-name/lun[?key=value&...]
//   iscsi://[user[%password]@]host[:port]            (a portal, for ls)
// The same text works with both, so these follow libiscsi's own parser: the first '%' (or ':')
// parts user from password, neither is percent-decoded, the target name is. A password is never
// put in a message: every error quotes the URL as redactUrl() writes it.
import type { ChapAlgorithm } from '../hosts/node/mod.ts';
import { UsageError } from './usage-error.ts';

export interface IscsiUrl {
  /** host:port, an IPv6 host in brackets; the port defaults to 3260. */
  portal: string;
  /** Absent in a portal URL. */
  target?: string;
  lun?: number;
  user?: string;
  secret?: string;
  /** Mutual CHAP, from `?target_user=` and `?target_password=`. */
  targetUser?: string;
  targetSecret?: string;
  /** `?auth=md5|sha1|sha-256|sha3-256`: the one CHAP algorithm to offer. */
  algorithm?: ChapAlgorithm;
  /** `?header_digest=crc32c` / `?data_digest=crc32c` require the digest; `none` (the default) does not. */
  headerDigest?: boolean;
  dataDigest?: boolean;
  /** The URL with its passwords replaced by `***`: the form every message quotes. */
  text: string;
}

export const URL_FORM = 'iscsi://[user[%password]@]host[:port]/target-name/lun';
export const PORTAL_URL_FORM = 'iscsi://[user[%password]@]host[:port]';
const ALGORITHMS: Record<string, ChapAlgorithm> = {
  md5: 'md5',
  sha1: 'sha1',
  'sha-256': 'sha256',
  'sha3-256': 'sha3-256',
};
const MAX_LUN = 16383;

/** `kind` 'disk' wants a target and a LUN; 'portal' wants neither. Throws UsageError naming the fault. */
export function parseUrl(raw: string, kind: 'disk' | 'portal'): IscsiUrl {
  const text = redactUrl(raw);
  const form = kind === 'disk' ? URL_FORM : PORTAL_URL_FORM;
  const bad = (what: string) => new UsageError(`${what} in the URL ${text} (the form is ${form})`);
  if (/^iser:\/\//i.test(raw)) throw bad('iSER is not supported: use iscsi://');
  if (!raw.startsWith('iscsi://')) {
    throw new UsageError(`not an iSCSI URL (it must start with iscsi://): ${text} (the form is ${form})`);
  }
  const [rest, query] = splitAt(raw.slice(8), raw.slice(8).indexOf('?'));
  // The last '@': a password may hold one; host, target name and LUN never do.
  const at = rest.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : rest.slice(0, at);
  const [hostport, path] = splitAt(rest.slice(at + 1), rest.slice(at + 1).indexOf('/'));
  const u: IscsiUrl = { portal: portalOf(hostport, bad), text };

  if (userinfo !== undefined) {
    const sep = userinfo.includes('%') ? userinfo.indexOf('%') : userinfo.indexOf(':');
    const [user, secret] = splitAt(userinfo, sep);
    if (!user) throw bad('no user before the @');
    u.user = user;
    if (secret) u.secret = secret;
  }
  if (kind === 'disk') {
    if (path === undefined || path === '') throw bad('no target name');
    const slash = path.indexOf('/');
    if (slash < 0) throw bad('no LUN after the target name');
    const target = decode(path.slice(0, slash), bad);
    if (!target) throw bad('no target name');
    const lun = path.slice(slash + 1);
    if (!/^\d{1,5}$/.test(lun) || Number(lun) > MAX_LUN) {
      throw bad(`the LUN must be a whole number from 0 to ${MAX_LUN}, not "${lun}",`);
    }
    [u.target, u.lun] = [target, Number(lun)];
  } else if (path) {
    throw bad('a target name where only a portal belongs');
  }
  if (query !== undefined) applyQuery(u, query, bad);
  return u;
}

/** The URL with the password after `user%` (or `user:`) and any `target_password=` value as `***`. */
export function redactUrl(raw: string): string {
  const scheme = /^[a-z]+:\/\//i.exec(raw)?.[0] ?? '';
  const q = raw.indexOf('?', scheme.length);
  const head = q < 0 ? raw : raw.slice(0, q);
  let tail = q < 0 ? '' : raw.slice(q);
  tail = tail.replace(/([?&]target_password=)[^&]*/g, '$1***');
  const at = head.lastIndexOf('@');
  if (at < 0) return head + tail;
  const userinfo = head.slice(scheme.length, at);
  const sep = userinfo.includes('%') ? userinfo.indexOf('%') : userinfo.indexOf(':');
  const shown = sep < 0 ? userinfo : `${userinfo.slice(0, sep + 1)}***`;
  return scheme + shown + head.slice(at) + tail;
}

/** [before, after] the index, or [text, undefined] when it is -1. */
function splitAt(s: string, i: number): [string, string | undefined] {
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function portalOf(hostport: string, bad: (what: string) => UsageError): string {
  if (!hostport) throw bad('no host');
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(hostport);
  if (!m) {
    throw bad(
      (hostport.match(/:/g) ?? []).length > 1 && !hostport.startsWith('[')
        ? `an IPv6 address must be in brackets ([${hostport}])`
        : `"${hostport}" is not host[:port]`,
    );
  }
  if (m[2] === undefined) return `${m[1]}:3260`;
  const port = Number(m[2]);
  if (!/^\d{1,5}$/.test(m[2]) || port < 1 || port > 65535) {
    throw bad(`the port must be a whole number from 1 to 65535, not "${m[2]}",`);
  }
  return `${m[1]}:${port}`;
}

function decode(s: string, bad: (what: string) => UsageError): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw bad('a % that is not followed by two hex digits in the target name');
  }
}

function applyQuery(u: IscsiUrl, query: string, bad: (what: string) => UsageError): void {
  for (const pair of query.split('&')) {
    if (!pair) continue;
    const [key, value = ''] = splitAt(pair, pair.indexOf('='));
    const digest = (v: string) => {
      if (v !== 'crc32c' && v !== 'none') throw bad(`${key} must be crc32c or none, not "${v}",`);
      return v === 'crc32c';
    };
    switch (key) {
      case 'auth':
        if (!ALGORITHMS[value]) throw bad(`auth must be md5, sha1, sha-256 or sha3-256, not "${value}",`);
        u.algorithm = ALGORITHMS[value];
        break;
      case 'header_digest':
        u.headerDigest = digest(value);
        break;
      case 'data_digest':
        u.dataDigest = digest(value);
        break;
      case 'target_user':
        if (value) u.targetUser = value;
        break;
      case 'target_password':
        if (value) u.targetSecret = value;
        break;
      default:
        throw bad(
          `an unknown parameter "${key}" (known: auth, header_digest, data_digest, target_user, target_password)`,
        );
    }
  }
}
