// What the command line asks, once parsed (cli/args.ts parses it): its own file, so the parsers
// of each command's part (disk-args.ts, dd-args.ts) and args.ts need not import each other.
import type { ChapAlgorithm } from '../hosts/node/mod.ts';

export type Command =
  | 'demo'
  | 'logout-test'
  | 'discover'
  | 'probe'
  | 'ls'
  | 'inq'
  | 'readcap'
  | 'read'
  | 'write'
  | 'dd';
export interface CliOptions {
  command: Command;
  portals: string[];
  target?: string;
  sessions: number;
  json: boolean;
  /** demo: the built-in target drops each session's connection in its first read; they recover. */
  drop: boolean;
  user?: string;
  secret?: string;
  /** Mutual CHAP: the name the target answers with; its secret comes from ISCSI_CHAP_TARGET_SECRET. */
  targetUser?: string;
  targetSecret?: string;
  initiatorName?: string;
  connectTimeoutMs?: number;
  loginTimeoutMs?: number;
  logoutTimeoutMs?: number;
  concurrency?: number;
  deadlineMs?: number;
  /** Discovery CHAP, when the portal's discovery wants other credentials than the login. */
  discoveryUser?: string;
  discoverySecret?: string;
  // The disk commands (cli/disk-args.ts): what their URL says, and their own flags.
  /** The URL as messages may quote it: passwords redacted. */
  url?: string;
  lun?: number;
  algorithms?: ChapAlgorithm[];
  headerDigest?: boolean;
  dataDigest?: boolean;
  showLuns: boolean;
  evpd: boolean;
  page?: number;
  lba?: bigint;
  blocks?: number;
  out?: string;
  file?: string;
  /** dd: its two ends and sizes (cli/dd-args.ts). */
  dd?: DdSpec;
}

// dd's two ends, an iSCSI URL or a file path, and how much to copy (cli/dd-args.ts).
export type DdEnd =
  | { kind: 'file'; path: string; shown: string }
  | {
    kind: 'lun';
    portal: string;
    target: string;
    lun: number;
    /** The URL, its passwords redacted. */
    shown: string;
    auth: Pick<CliOptions, 'user' | 'secret' | 'targetUser' | 'targetSecret' | 'algorithms'>;
  };
export interface DdSpec {
  from: DdEnd;
  to: DdEnd;
  /** Bytes per command (dd's bs). */
  bs?: number;
  /** bs x count, when --count is given. */
  bytes?: number;
  depth?: number;
  verify: boolean;
}
