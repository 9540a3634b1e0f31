// The public types of the adapter: what its calls take and give. Types only, so every file may
// import them without an import circle; the values are exported by exports.ts.
import type { ConnectionState, EventType, LoginResult, SessionReason } from './codes.ts';

export interface AdapterOptions {
  /** Our iSCSI name (default iqn.2026-11.dev.iscsi-adapter:<first 8 hex digits of the adapter id>). */
  initiatorName?: string;
  /** Per-session wait for the Logout Response (default 15000). */
  logoutTimeoutMs?: number;
  /** Sessions torn down at once (default 64). */
  concurrency?: number;
  /** Time the target gets to send FIN after its Logout Response (default 1000). */
  graceMs?: number;
  /** How long a TCP connect may take before the login ends `timeout` (default 5000). */
  connectTimeoutMs?: number;
  /** How long a login (or discovery) may take once connected (default 15000). */
  loginTimeoutMs?: number;
  /** Sessions this adapter can hold at once (default 1024, at most 60000). Memory for them is
   *  set aside when the adapter is made (about 15 KiB each) and never grows; a login beyond it
   *  ends E_OUTOFMEMORY. */
  maxSessions?: number;
  /** SCSI commands in flight across the adapter (default 2048, at most 4096). Commands whose
   *  abort the target has not answered yet still hold their place. */
  maxCommands?: number;
  /** The most of those one session may hold (default half of maxCommands), so a session whose
   *  target stops answering cannot starve the others. */
  maxCommandsPerSession?: number;
  /** How long an ABORT TASK or LUN RESET waits for the target's answer before the next step:
   *  ABORT TASK, then LUN RESET, then the connection is dropped (default 15000). */
  taskManagementTimeoutMs?: number;
  /** Where an error thrown by your event listener or progress callback goes (default: thrown
   *  again on its own, outside the adapter's work). */
  onCallbackError?: (err: unknown) => void;
}
export type ChapAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha3-256';
/** How the target authenticates us (and, with mutual-chap, we it). CHAP never falls back to None. */
export type Auth =
  | { method: 'none' }
  | {
    method: 'chap';
    user: string;
    secret: string;
    /** CHAP_A values to offer, strongest first on the wire (default ['md5'], the one every target has). */
    algorithms?: ChapAlgorithm[];
  }
  | {
    method: 'mutual-chap';
    user: string;
    secret: string;
    /** The name and secret the target must prove; the secret must differ from ours. */
    targetUser: string;
    targetSecret: string;
    algorithms?: ChapAlgorithm[];
  };
/** Where a session stands (RFC 7143 §8.1 connection states). */
export type SessionState = ConnectionState | 'unknown';
export interface LoginRequest {
  /** A target id (GUID) or an iSCSI name (iqn./eui./naa.). */
  target: string;
  /** host[:port]; the port defaults to 3260. */
  portal: string;
  /** Default: no authentication. */
  auth?: Auth;
  /** Require CRC32C header digests (the login fails when the target will not). Default false. */
  headerDigest?: boolean;
  /** Require CRC32C data digests. Default false. */
  dataDigest?: boolean;
  /** Default: the adapter's connectTimeoutMs. */
  connectTimeoutMs?: number;
  /** Default: the adapter's loginTimeoutMs. */
  loginTimeoutMs?: number;
  /** Ping the target with NOP-Out every keepaliveMs; no answer within keepaliveMs drops the session. */
  keepaliveMs?: number;
}
export interface LoginOutput {
  targetId?: string;
  targetName?: string;
  portal: string;
  sessionId?: string;
  tsih?: number;
  status?: number;
  statusClass?: number;
  statusDetail?: number;
  result?: LoginResult | 'invalid-argument' | 'adapter-closed';
  redirects: string[];
  /** What login negotiated (RFC 7143 §13), by key: numbers, with booleans as 1/0. */
  negotiated?: Record<string, number>;
  /** Why, in words: the argument that was wrong, or the OS's error for the connection. */
  error?: string;
}
export interface SessionOutcome {
  sessionId: string;
  portal: string;
  tsih: number;
  hr: number;
  hrName: string;
  reason: SessionReason;
  time2Wait: number;
  time2Retain: number;
  /** Commands that ended on their own while the session was leaving (docs/io.md). */
  commandsDrained: number;
  /** Commands the logout ended (`aborted-by-logout`). */
  commandsAborted: number;
}
export interface LogoutOutput {
  targetId?: string;
  targetName?: string;
  sessions: SessionOutcome[];
}
export type InflightPolicy = 'drain' | 'abort' | 'refuse';
export interface LogoutOptions {
  logoutTimeoutMs?: number;
  concurrency?: number;
  deadlineMs?: number;
  graceMs?: number;
  /** Commands in flight: run them to their end first (default), abort them, or leave a busy
   *  session logged in (docs/io.md). */
  inflight?: InflightPolicy;
  /** How long `drain` waits for commands in flight (default: logoutTimeoutMs). */
  drainTimeoutMs?: number;
}
export interface DiscoveredTarget {
  id: string;
  name: string;
  portals: string[];
  /** The portal group tag SendTargets gave each portal (`host:port,tag`), by the portal as in
   *  `portals`; a portal given without one is absent. A later login there must meet the same tag. */
  portalGroupTags: Record<string, number>;
}
export interface DiscoverOutput {
  portal: string;
  targets: DiscoveredTarget[];
  result?: LoginResult;
  /** The target's login status, when it refused the discovery session. */
  status?: number;
  /** Why, in words: the argument that was wrong, or the OS's error for the connection. */
  error?: string;
}
export interface AdapterEvent {
  type: EventType;
  sessionId?: string;
  targetId?: string;
  p1: number;
  p2: number;
  p3: number;
}
