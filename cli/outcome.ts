// How a run ends: an exit status from what went wrong, and the line that says it.
import { HR, hrHex, hrName } from '../hosts/node/mod.ts';
import { EXIT } from './args.ts';

export interface Outcome {
  code: number;
  /** The command's JSON object (printed with --json), failures included. */
  json: Record<string, unknown>;
}

/** What a failed login or discovery reports: the adapter's words for it and the target's. */
export interface Failure {
  result?: string;
  /** The target's login status; 0 (success) or absent means the target said nothing. */
  status?: number;
  /** The library's reason in words: the argument that was wrong, the OS error of a connection. */
  error?: string;
}

/** The exit status for a login or discovery that ended with this HRESULT and result. */
export function failureExit(hr: number, result: string | undefined): number {
  if (hr === HR.E_INVALIDARG && result !== 'adapter-closed') return EXIT.usage;
  if (hr === HR.VDS_E_TIMEOUT) return EXIT.timeout;
  switch (result) {
    case 'auth-failed':
    case 'authz-failed':
    case 'mutual-auth-failed':
    case 'downgrade-refused':
      return EXIT.auth;
    case 'not-found':
      return EXIT.notFound;
    case 'connect-failed':
      return EXIT.unreachable;
    case 'timeout':
      return EXIT.timeout;
    default:
      return EXIT.failed;
  }
}

/** `login to P failed: NAME (0x...): result[, target status 0x....][: why]`. */
export function failureLine(what: string, hr: number, f: Failure): string {
  const result = f.result ?? (hr === HR.E_INVALIDARG ? 'invalid-argument' : 'no answer');
  const status = f.status ? `, target status 0x${f.status.toString(16).padStart(4, '0')}` : '';
  const why = f.error ? `: ${f.error}` : '';
  return `${what} failed: ${hrName(hr)} (${hrHex(hr)}): ${result}${status}${why}`;
}
