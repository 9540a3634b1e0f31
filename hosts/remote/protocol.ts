// The daemon's wire protocol (docs/daemon.md): JSON-RPC 2.0, one message per line. What both
// ends must agree on lives here: the version, the size limit, the error codes, the shapes.
import type { Auth, LoginRequest, LogoutOptions, SessionInfo } from '../api.ts';

export const PROTOCOL_VERSION = 1;
/** One message, newline included: a larger one ends the connection (the framing is lost). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** JSON-RPC's own codes, then the daemon's (-32000 and below). */
export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  helloFirst: -32000,
  versionUnsupported: -32001,
  unknownOperation: -32002,
  nodeRecords: -32003,
  stopping: -32004,
  secret: -32005,
  tooManyClients: -32006,
} as const;

/** A secret given by reference, resolved by the daemon with its own rights (docs/daemon.md). */
export interface SecretRef {
  secretFile?: string;
  secretEnv?: string;
  targetSecretFile?: string;
  targetSecretEnv?: string;
}
/** Auth as the wire carries it: the secrets themselves, or references to them. */
export type WireAuth =
  | { method: 'none' }
  | (Partial<Exclude<Auth, { method: 'none' }>> & SecretRef & { method: 'chap' | 'mutual-chap'; user: string });
export type WireLoginRequest = Omit<LoginRequest, 'auth'> & { auth?: WireAuth };

export interface OperationStatus {
  operation: string;
  type: number;
  hr: number;
  hrName: string;
  percentCompleted: number;
  done: boolean;
}
export interface OperationEnd {
  operation: string;
  hr: number;
  hrName: string;
  output: unknown;
}
export type SessionRow = SessionInfo;
export type Startup = 'manual' | 'automatic';
export interface NodeRecord {
  portal: string;
  target: string;
  /** Never a secret: references only. */
  auth?: WireAuth;
  startup: Startup;
}
export type { LogoutOptions };
