// The daemon's methods (docs/daemon.md, "Methods"): each carries one adapter call, or answers
// from the operations and node records the daemon keeps. Nothing here decides iSCSI.
import { type Adapter, hrName, type LoginRequest, type LogoutOptions } from '../hosts/node/mod.ts';
import { type NodeRecord, PROTOCOL_VERSION, RPC_ERROR } from '../hosts/remote/protocol.ts';
import { type Entry, type Notify, Operations } from './operations.ts';
import { optMs, optObject, optStr, type Params, str, wireAuth } from './params.ts';
import { resolveAuth } from './secret-refs.ts';
import { loadNodes, NodeRecordsError, saveNodes } from './node-records.ts';
import { RpcError } from './rpc-error.ts';

export interface Service {
  adapter: Adapter;
  ops: Operations;
  nodesFile: string;
  env: Record<string, string | undefined>;
  uid: number;
  /** True once the daemon is stopping: nothing new starts. */
  stopping: () => boolean;
  /** Connections that asked for the adapter's events (`events.subscribe`). */
  subscribers: Set<Notify>;
  log: (line: string) => void;
}
/** The calling connection: where its notifications go. */
export interface Caller {
  notify: Notify;
}
export type Method = (s: Service, p: Params, c: Caller) => unknown | Promise<unknown>;

const LOGIN_KEYS = [
  'headerDigest',
  'dataDigest',
  'connectTimeoutMs',
  'loginTimeoutMs',
  'keepaliveMs',
  'noopIntervalMs',
  'noopTimeoutMs',
  'recovery',
  'replacementTimeoutMs',
  'reconnect',
] as const;
const LOGOUT_KEYS = ['logoutTimeoutMs', 'concurrency', 'deadlineMs', 'graceMs', 'inflight', 'drainTimeoutMs'] as const;

function entry(s: Service, p: Params): Entry {
  const e = s.ops.get(str(p, 'operation'));
  if (!e) {
    throw new RpcError(RPC_ERROR.unknownOperation, `no operation ${p.operation} (unknown, or ended too long ago)`);
  }
  return e;
}
function notStopping(s: Service): void {
  if (s.stopping()) throw new RpcError(RPC_ERROR.stopping, 'the daemon is stopping: it starts nothing new');
}
/** An adapter call's TypeError is the caller's wrong type: invalid params. */
function call<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TypeError) throw new RpcError(RPC_ERROR.invalidParams, e.message);
    throw e;
  }
}

/** Starts a login (secrets resolved from their references) and registers it for `watcher`. */
export function startLogin(s: Service, p: Params, watcher?: Notify, inline = true): Entry {
  const target = str(p, 'target');
  const portal = str(p, 'portal');
  const a = wireAuth(p, inline);
  const req: LoginRequest = { target, portal, ...(a ? { auth: resolveAuth(a, s.env, s.uid) } : {}) };
  for (const k of LOGIN_KEYS) if (p[k] !== undefined) (req as unknown as Record<string, unknown>)[k] = p[k];
  const op = call(() => s.adapter.loginToTarget(req));
  return s.ops.add(op as never, `login ${target} at ${portal}`, watcher);
}

function nodes(s: Service): NodeRecord[] {
  try {
    return loadNodes(s.nodesFile);
  } catch (e) {
    if (e instanceof NodeRecordsError) throw new RpcError(RPC_ERROR.nodeRecords, e.message);
    throw e;
  }
}

export const METHODS: Record<string, Method> = {
  login(s, p, c) {
    notStopping(s);
    const e = startLogin(s, p, c.notify);
    return { operation: e.id, type: e.op.type };
  },
  logout(s, p, c) {
    notStopping(s);
    const target = str(p, 'target');
    const o = optObject(p, 'options') ?? {};
    const opts: LogoutOptions = {};
    for (const k of LOGOUT_KEYS) if (o[k] !== undefined) (opts as Record<string, unknown>)[k] = o[k];
    const op = call(() => s.adapter.logoutFromTarget(target, opts));
    const e = s.ops.add(op as never, `logout ${target}`, c.notify);
    return { operation: e.id, type: e.op.type };
  },
  status: (s, p) => s.ops.status(entry(s, p)),
  watch(s, p, c) {
    const e = entry(s, p);
    if (!e.op.done) e.watchers.add(c.notify);
    return s.ops.status(e);
  },
  async wait(s, p) {
    const timeoutMs = optMs(p, 'timeoutMs');
    const e = entry(s, p);
    const { hr } = await e.op.wait({ timeoutMs });
    return s.ops.end(e, hr);
  },
  cancel(s, p) {
    const e = entry(s, p);
    const hr = e.op.cancel();
    s.log(`cancel ${e.id} (${e.what}): ${hrName(hr)}`);
    return { operation: e.id, hr, hrName: hrName(hr) };
  },
  sessions: (s) => ({ sessions: s.adapter.sessions() }),
  'events.subscribe'(s, _p, c) {
    s.subscribers.add(c.notify);
    return {};
  },

  'nodes.list': (s) => ({ nodes: nodes(s) }),
  'nodes.add'(s, p) {
    const rec: NodeRecord = { portal: str(p, 'portal'), target: str(p, 'target'), startup: 'manual' };
    const startup = optStr(p, 'startup') ?? 'manual';
    if (startup !== 'manual' && startup !== 'automatic') {
      throw new RpcError(RPC_ERROR.invalidParams, "startup must be 'manual' or 'automatic'");
    }
    rec.startup = startup;
    const a = wireAuth(p, false);
    if (a) rec.auth = a;
    const list = nodes(s).filter((n) => !(n.target === rec.target && n.portal === rec.portal));
    list.push(rec);
    saveNodes(s.nodesFile, list);
    s.log(`node added: ${rec.target} at ${rec.portal} (${rec.startup})`);
    return { nodes: list };
  },
  'nodes.remove'(s, p) {
    const target = str(p, 'target');
    const portal = optStr(p, 'portal');
    const all = nodes(s);
    const kept = all.filter((n) => !(n.target === target && (portal === undefined || n.portal === portal)));
    if (kept.length !== all.length) saveNodes(s.nodesFile, kept);
    s.log(`node removed: ${target}${portal ? ` at ${portal}` : ''} (${all.length - kept.length})`);
    return { removed: all.length - kept.length };
  },
};

/** hello: the version handshake; anything else first is refused. */
export function hello(p: Params, s: Service): object {
  const v = p.version;
  if (v !== PROTOCOL_VERSION) {
    throw new RpcError(RPC_ERROR.versionUnsupported, `protocol version ${JSON.stringify(v)} is not spoken here`, {
      supported: [PROTOCOL_VERSION],
    });
  }
  return { version: PROTOCOL_VERSION, pid: process.pid, initiatorName: s.adapter.name };
}
