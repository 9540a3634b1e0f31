// The node records (iscsiadm's node database, docs/daemon.md "Node records"): one JSON file,
// written whole and atomically (a temporary file, fsync, rename, fsync of the directory), owner
// only. A file that does not parse is refused, naming it, and never replaced: it may be the
// only copy of an administrator's records.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NodeRecord } from '../hosts/remote/protocol.ts';

export class NodeRecordsError extends Error {
  constructor(readonly file: string, why: string) {
    super(`node records file ${file} is corrupt or half-written (${why}); fix or remove it by hand`);
    this.name = 'NodeRecordsError';
  }
}

/** $XDG_CONFIG_HOME/iscsi-adapter/nodes.json (or ~/.config/...); /etc/iscsi-adapter/nodes.json for root. */
export function defaultNodesFile(env: Record<string, string | undefined>, uid: number): string {
  if (uid === 0) return '/etc/iscsi-adapter/nodes.json';
  const base = env.XDG_CONFIG_HOME || join(env.HOME ?? '/', '.config');
  return join(base, 'iscsi-adapter', 'nodes.json');
}

const isRecord = (n: unknown): n is NodeRecord => {
  const r = n as NodeRecord;
  return !!r && typeof r === 'object' && typeof r.portal === 'string' && typeof r.target === 'string' &&
    (r.startup === 'manual' || r.startup === 'automatic') &&
    (r.auth === undefined || (typeof r.auth === 'object' && r.auth !== null && typeof r.auth.method === 'string'));
};

/** The records in `file`; none when it does not exist. */
export function loadNodes(file: string): NodeRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw new NodeRecordsError(file, (e as Error).message);
  }
  let doc: { version?: unknown; nodes?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new NodeRecordsError(file, (e as Error).message);
  }
  if (doc?.version !== 1 || !Array.isArray(doc.nodes)) throw new NodeRecordsError(file, 'not a version 1 nodes file');
  const wrong = doc.nodes.findIndex((n) => !isRecord(n));
  if (wrong >= 0) throw new NodeRecordsError(file, `record ${wrong} is not { portal, target, startup, auth? }`);
  return doc.nodes as NodeRecord[];
}

/** Replaces `file` with `nodes`: readers see the old file or the new one, never a part. */
export function saveNodes(file: string, nodes: NodeRecord[]): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify({ version: 1, nodes }, null, 2) + '\n');
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
