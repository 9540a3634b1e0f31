// Words for what went wrong: the target's login status, the OS's transport error, and the
// message an IscsiError carries.
import { CODE, hrHex, hrName, KEY_NAMES } from './codes.ts';
import type { DigestOption } from './api.ts';

// RFC 7143 §11.13.5: Status-Class and Status-Detail.
const STATUS: Record<number, string> = {
  0x0101: 'target moved temporarily',
  0x0102: 'target moved permanently',
  0x0200: 'initiator error',
  0x0201: 'authentication failure',
  0x0202: 'authorization failure',
  0x0203: 'target not found',
  0x0204: 'target removed',
  0x0205: 'unsupported version',
  0x0206: 'too many connections',
  0x0207: 'missing parameter',
  0x0208: 'cannot include in session',
  0x0209: 'session type not supported',
  0x020a: 'session does not exist',
  0x020b: 'invalid request during login',
  0x0300: 'target error',
  0x0301: 'service unavailable',
  0x0302: 'out of resources',
};
export const loginStatusText = (status: number): string =>
  `target status 0x${status.toString(16).padStart(4, '0')} (${STATUS[status] ?? 'unknown'})`;

/** A socket error as the OS said it, e.g. `ECONNREFUSED 127.0.0.1:3299`; under Deno without
 *  --allow-net, says that the permission is missing. */
export function transportText(e: unknown, where: string): string {
  const err = e as { code?: string; name?: string; message?: string };
  if (
    err?.name === 'PermissionDenied' || err?.name === 'NotCapable' || /--allow-net|net access/.test(err?.message ?? '')
  ) {
    return `network permission denied for ${where}: run Deno with --allow-net`;
  }
  const code = err?.code ?? (err?.name && err.name !== 'Error' ? err.name : undefined);
  // A socket error's message repeats the address ("connect ECONNREFUSED 10.0.0.5:3260"); a
  // bridge's refusal names the portal inside its reason, which is the whole point of it.
  // An IPv6 address is written in brackets here ([::1]:3260); the runtime's message has it bare.
  const bare = where.replace(/^\[(.*)\]:(\d+)$/, '$1:$2');
  const says = err?.message && (!(err.message.includes(where) || err.message.includes(bare)) ||
    err.name === 'BridgeError');
  return `${code ?? 'connect failed'} ${where}${says ? `: ${err.message}` : ''}`;
}

/** The message of an IscsiError over an operation's output: the code, then why. */
export function failureText(hr: number, output: unknown): string {
  const o = (output ?? {}) as { result?: string; status?: number; error?: string; sessions?: { reason: string }[] };
  const why: string[] = [];
  if (o.result && o.result !== 'ok') why.push(o.result);
  if (o.status) why.push(loginStatusText(o.status));
  if (o.error) why.push(o.error);
  if (o.sessions?.length) {
    const n = new Map<string, number>();
    for (const s of o.sessions) n.set(s.reason, (n.get(s.reason) ?? 0) + 1);
    why.push([...n].map(([r, k]) => `${k} session(s) ${r}`).join(', '));
  }
  return `${hrName(hr)} (${hrHex(hr)})${why.length ? `: ${why.join(', ')}` : ''}`;
}

/** Why a login's negotiation failed, naming the key the core blamed (the detail of its status). */
export function negotiationText(
  key: number,
  asked: { headerDigest?: DigestOption; dataDigest?: DigestOption },
): string {
  const name = KEY_NAMES.find(([, k]) => k === key)?.[0];
  if (!name) return 'the target offered no CHAP algorithm among those we offered (CHAP_A)';
  const option = name === 'HeaderDigest' ? 'headerDigest' : name === 'DataDigest' ? 'dataDigest' : undefined;
  if (option) {
    const v = asked[option];
    if (v === true || v === 'required') {
      return `${option}: ${
        v === true ? 'true' : "'required'"
      } requires CRC32C and the target did not agree to it (${name}); ` +
        "log in with 'prefer' or without it";
    }
    return `the target answered ${name} with a value we did not offer (we offered ${
      v === 'prefer' ? 'CRC32C,None' : 'None'
    })`;
  }
  return `the target's answer for ${name} breaks the rule of that key (RFC 7143 §13)`;
}

/** The waits a login (or discovery) was given, and the option its login wait came from. */
export interface LoginLimits {
  connectMs: number;
  loginMs: number;
  loginOption: string;
  /** 'login' or 'discovery', as the words name it. */
  what: string;
}

/** Words for a login or discovery that ended `timeout`, `protocol-error` or `transport-lost` (the
 *  core's reason and the detail of its status), or undefined for any other reason. */
export function loginEndText(reason: number, detail: number, l: LoginLimits): string | undefined {
  if (reason === CODE.L_TIMEOUT) {
    return detail === CODE.LT_CONNECT
      ? `no connection within connectTimeoutMs (${l.connectMs} ms)`
      : `the target did not finish the login within ${l.loginOption} (${l.loginMs} ms)`;
  }
  if (reason === CODE.L_PROTOCOL_ERROR) {
    return `the target sent ${PROTOCOL[detail] ?? 'something the login does not allow'}`;
  }
  if (reason === CODE.L_TRANSPORT_LOST) return `the target closed the connection before the ${l.what} ended`;
  return undefined;
}

// The rule the target's side of a login broke (the detail of `protocol-error`).
const PROTOCOL: Record<number, string> = {
  [CODE.LP_FRAMING]: 'a PDU that breaks RFC 7143 framing (digest, length, opcode or fixed bits)',
  [CODE.LP_NOT_LOGIN]: 'a PDU other than a Login Response before the login ended',
  [CODE.LP_ITT]: "a Login Response whose Initiator Task Tag is not our request's",
  [CODE.LP_HEADER]: 'a Login Response with another version, another ISID, or both the C and T bits set',
  [CODE.LP_TEXT_TOO_LONG]: 'a login text continued (C bit) past what the initiator keeps for one text',
  [CODE.LP_TSIH_ZERO]: 'full feature phase offered with TSIH 0',
  [CODE.LP_UNEXPECTED]: 'a Login Response that no request of ours awaited',
  [CODE.LP_CHAP]: 'a CHAP challenge whose CHAP_I or CHAP_C is missing or malformed',
  [CODE.LP_REDIRECT]: 'a redirect with no TargetAddress',
};
