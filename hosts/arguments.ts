// The one rule for bad arguments (README, "When something goes wrong"): a value of the wrong
// JavaScript type throws a TypeError at once; a value of the right type that cannot be used
// ends the handle at once with E_INVALIDARG, and `output.error` names the argument.
import type { ChapAlgorithm } from './api.ts';
import { ISCSI_NAME_RE, parsePortal } from './ids.ts';
import { CODE } from './codes.ts';

/** Auth as it may arrive from JavaScript, before it is checked. */
export interface AnyAuth {
  method: string;
  user?: string;
  secret?: string;
  targetUser?: string;
  targetSecret?: string;
  algorithms?: ChapAlgorithm[];
}
const METHODS = ['none', 'chap', 'mutual-chap'];
const ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha3-256'];
const DIGEST_WORDS = ['required', 'prefer', 'off'];
const DIGEST_VALUES = "true, false, 'required', 'prefer' or 'off'";

/** An iSCSI name is at most 223 bytes of UTF-8 (RFC 7143 §4.2.7.1). */
export const MAX_NAME_BYTES = 223;
/** A CHAP name is at most what the core keeps of one (254 bytes of UTF-8, docs/login.md). */
export const MAX_CHAP_NAME_BYTES = 254;
const utf8 = new TextEncoder();
/** Whether `s` is more than `max` bytes of UTF-8; encoded only when its length cannot say (a
 *  UTF-16 unit is 1 to 3 bytes), so a name of usual length costs no allocation per login. */
export function longerThan(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false;
  return s.length > max || utf8.encode(s).length > max;
}

/** What is wrong with a login's portal, target and auth, or undefined. */
export function loginProblem(target: string, portal: string, auth: AnyAuth | undefined): string | undefined {
  if (!ISCSI_NAME_RE.test(target) && !/^[0-9a-f-]{36}$/i.test(target)) {
    return `target is not an iSCSI name (iqn./eui./naa.): ${target.slice(0, 300)}`;
  }
  if (longerThan(target, MAX_NAME_BYTES)) return `target is longer than ${MAX_NAME_BYTES} bytes (RFC 7143 §4.2.7.1)`;
  return portalProblem(portal) ?? authProblem(auth);
}

/** What is wrong with a portal, or undefined. */
export function portalProblem(portal: string): string | undefined {
  return parsePortal(portal) ? undefined : `portal is not host[:port] with a port from 1 to 65535: ${portal}`;
}

/** What is wrong with an auth, or undefined (none given is fine). */
export function authProblem(auth: AnyAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (!METHODS.includes(auth.method)) return `auth.method must be one of ${METHODS.join(', ')}`;
  if (auth.method === 'none') return undefined;
  if (!auth.user) return `auth.user is required for ${auth.method}`;
  if (longerThan(auth.user, MAX_CHAP_NAME_BYTES)) return `auth.user is longer than ${MAX_CHAP_NAME_BYTES} bytes`;
  if (!auth.secret) return `auth.secret is required for ${auth.method}`;
  const bad = auth.algorithms?.find((a) => !ALGORITHMS.includes(a));
  if (bad !== undefined) return `auth.algorithms: ${bad} is not one of ${ALGORITHMS.join(', ')}`;
  if (auth.method === 'mutual-chap') {
    if (!auth.targetUser) return 'auth.targetUser is required for mutual-chap';
    if (longerThan(auth.targetUser, MAX_CHAP_NAME_BYTES)) {
      return `auth.targetUser is longer than ${MAX_CHAP_NAME_BYTES} bytes`;
    }
    if (!auth.targetSecret) return 'auth.targetSecret is required for mutual-chap';
    if (auth.targetSecret === auth.secret) return 'auth.targetSecret must differ from auth.secret (RFC 7143 §12.1.3)';
  }
  return undefined;
}

/** A TypeError for the first of `names` in `o` that holds something other than a number (a
 *  value of the wrong JavaScript type throws at once), or undefined. */
export function numberTypeError(o: object, names: readonly string[], prefix = ''): TypeError | undefined {
  const bad = names.find((n) => {
    const v = (o as Record<string, unknown>)[n];
    return v !== undefined && typeof v !== 'number';
  });
  return bad === undefined ? undefined : new TypeError(`${prefix}${bad} must be a number`);
}

/** The least value of every duration or count option, wherever it is given (createAdapter, a
 *  call's own options, `reconnect`); the most is 2^31-1 for each. */
export const LEAST: Record<string, number> = {
  connectTimeoutMs: 1,
  loginTimeoutMs: 1,
  timeoutMs: 1,
  keepaliveMs: 0,
  noopIntervalMs: 0,
  noopTimeoutMs: 1,
  replacementTimeoutMs: 1,
  taskManagementTimeoutMs: 1,
  logoutTimeoutMs: 1,
  concurrency: 1,
  deadlineMs: 0,
  graceMs: 0,
  drainTimeoutMs: 1,
  minDelayMs: 1,
  maxDelayMs: 1,
  maxAttempts: 0,
};
/** Each call's number options, in the order their problems are reported. */
export const LOGIN_NUMBERS = [
  'connectTimeoutMs',
  'loginTimeoutMs',
  'keepaliveMs',
  'noopIntervalMs',
  'noopTimeoutMs',
  'replacementTimeoutMs',
] as const;
export const RECONNECT_NUMBERS = ['minDelayMs', 'maxDelayMs', 'maxAttempts'] as const;
export const LOGOUT_NUMBERS = ['logoutTimeoutMs', 'concurrency', 'deadlineMs', 'graceMs', 'drainTimeoutMs'] as const;
export const DISCOVER_NUMBERS = ['connectTimeoutMs', 'timeoutMs'] as const;

/** The first problem among `names` in `o` (numberProblem, each with its LEAST), or undefined. */
export function numbersProblem(o: object, names: readonly string[], prefix = ''): string | undefined {
  for (const n of names) {
    const p = numberProblem(prefix + n, (o as Record<string, unknown>)[n], LEAST[n]);
    if (p) return p;
  }
  return undefined;
}

/** A duration or count option: undefined, or a whole number from `least` to 2^31-1. */
export function numberProblem(name: string, v: unknown, least: number): string | undefined {
  if (v === undefined) return undefined;
  return Number.isInteger(v) && (v as number) >= least && (v as number) <= 0x7fffffff
    ? undefined
    : `${name} must be a whole number from ${least} to 2147483647`;
}

/** Reconnect delays the wrong way round (as the login combines its own with the adapter's and
 *  the defaults), or undefined. */
export function delaysProblem(least: number, most: number): string | undefined {
  return least > most ? `reconnect.minDelayMs (${least}) must be at most reconnect.maxDelayMs (${most})` : undefined;
}

/** What is wrong with a logout's options, or undefined. `sessionCap`: the adapter's maxSessions,
 *  beyond which a concurrency means nothing the core can honour. */
export function logoutProblem(
  o: {
    logoutTimeoutMs?: number;
    concurrency?: number;
    deadlineMs?: number;
    graceMs?: number;
    drainTimeoutMs?: number;
    inflight?: string;
  },
  sessionCap: number,
): string | undefined {
  if (o.inflight !== undefined && !Object.hasOwn(INFLIGHT_POLICIES, o.inflight)) {
    return `inflight must be one of ${Object.keys(INFLIGHT_POLICIES).join(', ')}`;
  }
  if (typeof o.concurrency === 'number' && Number.isInteger(o.concurrency) && o.concurrency > sessionCap) {
    return `concurrency must be at most maxSessions (${sessionCap})`;
  }
  return numbersProblem(o, LOGOUT_NUMBERS);
}
/** The logout's `inflight` policies, as the core numbers them. */
export const INFLIGHT_POLICIES: Record<string, number> = {
  drain: CODE.INFLIGHT_DRAIN,
  abort: CODE.INFLIGHT_ABORT,
  refuse: CODE.INFLIGHT_REFUSE,
};

/** A digest option of the wrong JavaScript type (it throws), or undefined. */
export function digestTypeError(name: string, v: unknown): TypeError | undefined {
  return v === undefined || typeof v === 'boolean' || typeof v === 'string'
    ? undefined
    : new TypeError(`${name} must be ${DIGEST_VALUES}`);
}

/** What is wrong with a digest option that is a string, or undefined. */
export function digestProblem(name: string, v: unknown): string | undefined {
  return typeof v !== 'string' || DIGEST_WORDS.includes(v) ? undefined : `${name} must be ${DIGEST_VALUES}: ${v}`;
}
