// How a run ends: an exit status from what went wrong, and the line that says it.
import { hrHex, hrName, type LoginOutput } from '../hosts/node/mod.ts';
import { EXIT } from './args.ts';

export interface Outcome {
  code: number;
  /** The command's JSON object (printed with --json), failures included. */
  json: Record<string, unknown>;
}

/** The exit status for a login or discovery that failed with this result. */
export function loginExit(result: string | undefined): number {
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

export function loginLine(hr: number, o: LoginOutput): string {
  const status = o.status === undefined ? '' : `, target status 0x${o.status.toString(16).padStart(4, '0')}`;
  return `login to ${o.portal} failed: ${hrName(hr)} (${hrHex(hr)}): ${o.result ?? 'unknown'}${status}`;
}
