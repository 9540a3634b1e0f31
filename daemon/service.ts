// The daemon: one adapter, its control socket, the operations it runs and the node records it
// logs in at start (docs/daemon.md). The CLI's `daemon` command (cli/daemon.ts) runs it and
// turns signals into stop() and abort().
import net from 'node:net';
import { chmodSync, chownSync, unlinkSync } from 'node:fs';
import { type AdapterOptions, createAdapter, hrName } from '../hosts/node/mod.ts';
import { Operations } from './operations.ts';
import { type Service, startLogin } from './methods.ts';
import { RpcConnection } from './rpc-connection.ts';
import { prepareSocketPlace } from './socket-place.ts';
import { loadNodes } from './node-records.ts';
import { RPC_ERROR } from '../hosts/remote/protocol.ts';

const tooManyClients = (max: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: null,
    error: { code: RPC_ERROR.tooManyClients, message: `${max} clients are connected (--max-clients); try again later` },
  }) + '\n';

export interface DaemonOptions {
  socket: string;
  /** Opens the socket to this group (0660) besides its owner. */
  gid?: number;
  nodesFile: string;
  /** How long an ended operation stays queryable (default 10 minutes). */
  keepMs?: number;
  /** The bound on the logouts of stop() (deadlineMs of each LogoutFromTarget; default 30000). */
  stopTimeoutMs?: number;
  /** Clients connected at once (default 64); the next is told so and closed. */
  maxClients?: number;
  adapter?: AdapterOptions;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}
export interface Daemon {
  /** LogoutFromTarget (drain) for every target, bounded; then closes. Resolves the sessions left open. */
  stop(): Promise<number>;
  /** Unlinks the socket now, for a second signal: the process exits right after. */
  abort(): void;
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const uid = process.getuid!();
  // A corrupt records file stops the start before anything is opened (NodeRecordsError).
  const records = loadNodes(o.nodesFile);
  for (const line of await prepareSocketPlace(o.socket, uid, o.gid)) o.log(line);
  const adapter = createAdapter(o.adapter);
  let stopping = false;
  const service: Service = {
    adapter,
    ops: new Operations(o.keepMs ?? 600000, (e, end) => o.log(`${e.id} ended: ${e.what}: ${end.hrName}`)),
    nodesFile: o.nodesFile,
    env: o.env,
    uid,
    stopping: () => stopping,
    log: o.log,
    subscribers: new Set(),
  };
  adapter.on((e) => {
    o.log(`event ${e.type}${e.sessionId ? ` session ${e.sessionId}` : ''}`);
    for (const n of service.subscribers) n('event', e);
  });
  const clients = new Set<net.Socket>();
  const maxClients = o.maxClients ?? 64;
  const server = net.createServer((sock) => {
    if (clients.size >= maxClients) {
      // Told why in the protocol's own words (id null: it answers no request), then closed.
      sock.on('error', () => {});
      sock.end(tooManyClients(maxClients));
      o.log(`refused a client: ${maxClients} connected (--max-clients)`);
      return;
    }
    clients.add(sock);
    const rpc = new RpcConnection(service, {
      write: (t) => void sock.write(t),
      end: () => void sock.end(),
    });
    sock.on('data', (d: Uint8Array) => rpc.data(d));
    sock.on('error', () => {}); // a client gone mid-write: 'close' follows
    sock.once('close', () => {
      clients.delete(sock);
      rpc.closed();
    });
  });
  const mode = o.gid === undefined ? 0o600 : 0o660;
  // The socket is created with the umask's bits: owner-only from its first moment, not after a chmod.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.socket, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  if (o.gid !== undefined) chownSync(o.socket, -1, o.gid);
  chmodSync(o.socket, mode);
  o.log(`listening at ${o.socket} (mode ${mode.toString(8).padStart(4, '0')}, pid ${process.pid})`);

  for (const r of records.filter((n) => n.startup === 'automatic')) {
    try {
      const e = startLogin(service, { ...r }, undefined, false);
      o.log(`${e.id} started: ${e.what} (node record)`);
    } catch (err) {
      o.log(`node record ${r.target} at ${r.portal} not logged in: ${(err as Error).message}`);
    }
  }

  const unlink = () => {
    try {
      unlinkSync(o.socket);
    } catch { /* already gone */ }
  };
  return {
    async stop() {
      stopping = true;
      // Logins still running end first, so none completes behind the logouts.
      for (const e of service.ops.running()) if (e.op.type === 60) e.op.cancel();
      await Promise.all(service.ops.running().filter((e) => e.op.type === 60).map((e) => e.op.wait()));
      const busy = adapter.queryTargets().filter((t) => t.sessions.length);
      o.log(`stopping: LogoutFromTarget for ${busy.length} target(s)`);
      await Promise.all(busy.map(async (t) => {
        const op = adapter.logoutFromTarget(t.id, { inflight: 'drain', deadlineMs: o.stopTimeoutMs ?? 30000 });
        const e = service.ops.add(op as never, `logout ${t.name} (stopping)`);
        const { hr } = await e.op.wait();
        o.log(`stopping: ${t.name}: ${hrName(hr)}`);
      }));
      const left = adapter.sessions().length;
      server.close();
      for (const c of clients) c.destroy();
      await adapter.close({ logoutTimeoutMs: 2000, graceMs: 200 });
      service.ops.dispose();
      unlink();
      o.log(`stopped: ${left ? `${left} session(s) still open` : 'every session ended'}`);
      return left;
    },
    abort() {
      stopping = true;
      unlink();
      o.log(`aborted: ${adapter.sessions().length} session(s) left open`);
    },
  };
}
