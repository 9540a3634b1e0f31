// The public types of the adapter: what its calls take and give. Types only, so every file may
// import them without an import circle; the values are exported by exports.ts.
import type { ConnectionState, FramingError, LoginResult, SessionReason } from './codes.ts';

/** Session recovery (docs/io.md, "Recovery"): a session whose connection fails outside a logout
 *  logs in again (same ISID, TSIH 0), sends again what the target had not answered, and is given
 *  up after `replacementTimeoutMs`. */
export interface RecoveryOptions {
  /** Ping a logged-in session with NOP-Out this often (default 5000, as open-iscsi; 0: never). */
  noopIntervalMs?: number;
  /** No answer to a ping within this (default 5000) means the connection is dead: the session
   *  recovers (or, with recovery: false, ends). */
  noopTimeoutMs?: number;
  /** Reinstate sessions whose connection fails (default true; false: the session ends with it). */
  recovery?: boolean;
  /** How long a session may take to come back before its commands fail session-lost (default 120000). */
  replacementTimeoutMs?: number;
  /** The wait between attempts doubles from minDelayMs to maxDelayMs (defaults 250 and 8000), give
   *  or take a quarter; maxAttempts bounds them (default 0: as many as the replacement time allows). */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
}
export interface AdapterOptions extends RecoveryOptions {
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
/** What we offer for a digest: CRC32C alone (`true`, 'required'), CRC32C or None as the target
 *  chooses ('prefer'), or None (`false`, 'off'). */
export type DigestOption = boolean | 'required' | 'prefer' | 'off';
/** Where a session stands (RFC 7143 §8.1 connection states). */
export type SessionState = ConnectionState | 'recovering' | 'unknown';
export interface LoginRequest extends RecoveryOptions {
  /** A target id (GUID) or an iSCSI name (iqn./eui./naa.). */
  target: string;
  /** host[:port]; the port defaults to 3260. */
  portal: string;
  /** Default: no authentication. */
  auth?: Auth;
  /** CRC32C header digests (docs/login.md): `true` or 'required' (the login fails when the target
   *  will not), 'prefer' (whichever the target chooses), `false` or 'off' (the default). */
  headerDigest?: DigestOption;
  /** CRC32C data digests, as headerDigest. */
  dataDigest?: DigestOption;
  /** Default: the adapter's connectTimeoutMs. */
  connectTimeoutMs?: number;
  /** Default: the adapter's loginTimeoutMs. */
  loginTimeoutMs?: number;
  /** Ping the target with NOP-Out every keepaliveMs; no answer within keepaliveMs drops the session
   *  (and it recovers). The same as noopIntervalMs and noopTimeoutMs both set to it. */
  keepaliveMs?: number;
}
/** One session as Adapter.sessions() lists it. */
export interface SessionInfo {
  id: string;
  targetId: string;
  /** The target's iSCSI name. */
  target: string;
  portal: string;
  tsih: number;
  state: SessionState;
  /** SCSI commands sent (or waiting for the command window) and not yet ended. */
  inflight: number;
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
  /** Which argument was unusable, when the handle ended E_INVALIDARG. */
  error?: string;
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
  result?: LoginResult | 'invalid-argument' | 'adapter-closed';
  /** The target's login status, when it refused the discovery session. */
  status?: number;
  /** Why, in words: the argument that was wrong, or the OS's error for the connection. */
  error?: string;
}
/** Why a session started recovering. */
export type RecoveryCause = 'transport' | 'ping-timeout' | 'task-management' | 'protocol-error' | 'target-drop';
/** What every event says of where it happened (absent for a session the adapter no longer holds). */
interface EventPlace {
  sessionId?: string;
  targetId?: string;
}
/** Events the target started, and what the adapter did about them (docs/events.md): one shape
 *  per `type`, so a `switch (e.type)` narrows to its fields. */
export type AdapterEvent =
  & EventPlace
  & (
    /** AsyncEvent 1: the session logs out by itself once its commands end, within `withinSeconds`. */
    | { type: 'async-logout-request'; withinSeconds: number }
    /** AsyncEvent 2: the target drops connection `cid`; for ours the session is gone. */
    | { type: 'async-drop-connection'; cid: number; time2Wait: number; time2Retain: number }
    /** AsyncEvent 3: the target drops every connection of the session. */
    | { type: 'async-drop-all'; time2Wait: number; time2Retain: number }
    /** AsyncEvent 4: we do not renegotiate, so the session logs out, within `withinSeconds`. */
    | { type: 'async-renegotiate'; withinSeconds: number }
    /** Any other AsyncEvent (SCSI async events, vendor-specific), its three parameters as sent. */
    | { type: 'async-other'; asyncEvent: number; parameter1: number; parameter2: number; parameter3: number }
    /** A Reject (RFC 7143 §11.17.1 reason code). */
    | { type: 'reject'; reason: number }
    /** A NOP-In ping answered with a NOP-Out echoing its Target Transfer Tag. */
    | { type: 'nop-answered'; targetTransferTag: number }
    /** A session logged out outside a logoutFromTarget (the target asked for it). */
    | { type: 'session-logged-out'; reason: SessionReason; time2Wait: number; time2Retain: number }
    /** Bytes that broke a rule; the session is dropped (`connection-lost` follows). */
    | { type: 'protocol-error'; error: FramingError }
    | { type: 'connection-lost' }
    /** No answer to a NOP-Out ping within keepaliveMs; the session is dropped. */
    | { type: 'keepalive-timeout' }
    /** CHECK CONDITION, UNIT ATTENTION: the command is sent again, once. */
    | { type: 'unit-attention'; asc: number; ascq: number }
    /** An ABORT TASK or LUN RESET got no good answer (`response` from the target, or none in time). */
    | { type: 'task-management-failed'; function: 'abort-task' | 'lun-reset'; response: number | 'no-answer' }
    /** The LUN was reset to end a command whose abort failed; its other commands ended `lun-reset`. */
    | { type: 'lun-reset'; lun: number }
    /** An answer for a command whose abort had already finished, dropped. */
    | { type: 'late-pdu-dropped'; opcode: number }
    /** The connection failed; the session logs in again (its commands wait, docs/io.md). */
    | { type: 'session-recovering'; cause: RecoveryCause }
    /** A new login took the session back after `attempts` tries, at `portal`, with a new TSIH. */
    | { type: 'session-recovered'; attempts: number; tsih: number; portal: string }
    /** No new login within the replacement time (or attempts): the session ended, its commands failed. */
    | { type: 'session-lost'; attempts: number }
  );
