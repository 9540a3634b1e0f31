// connectDaemon(): the adapter's calls carried to a running `iscsi-adapter daemon`
// (docs/daemon.md), so a program drives the service as it drives an in-process adapter.
import { CODE } from '../codes.ts';
import type { LoginOutput, LoginRequest, LogoutOptions, LogoutOutput } from '../api.ts';
import { RpcConnection } from './rpc-client.ts';
import { RemoteOperation } from './remote-operation.ts';
import { DaemonError } from './errors.ts';
import {
  type NodeRecord,
  type OperationEnd,
  type OperationStatus,
  PROTOCOL_VERSION,
  type SessionRow,
  type WireLoginRequest,
} from './protocol.ts';
import type { UnixConnect } from './unix.ts';
import { daemonSocket, type Whoami } from './default-socket.ts';
import type { AdapterEvent } from '../api.ts';
import type { EventType } from '../codes.ts';
import { type EventOf, listenerArgs, Listeners } from '../listeners.ts';
import { rethrowLater } from '../deliver.ts';

export interface DaemonHello {
  version: number;
  pid: number;
  initiatorName: string;
}

export class DaemonClient {
  #ops = new Map<string, Set<RemoteOperation<unknown>>>();
  /** Notifications that arrived in the same read as the answer naming their operation, before
   *  its handle was tracked; a few are kept for it. */
  #early = new Map<string, { method: string; params: Record<string, unknown> }[]>();

  #listeners = new Listeners();
  #subscribed?: Promise<unknown>;
  #closed = false;

  constructor(private readonly rpc: RpcConnection, readonly hello: DaemonHello) {
    rpc.onNotify((method, p) => {
      if (method === 'event') return this.#listeners.emit(p as unknown as AdapterEvent, rethrowLater);
      const id = p.operation as string;
      const ops = this.#ops.get(id);
      if (!ops) {
        if (this.#early.size >= 64) this.#early.delete(this.#early.keys().next().value!);
        this.#early.set(id, [...(this.#early.get(id) ?? []), { method, params: p }]);
        return;
      }
      for (const op of ops) this.#apply(op, method, p);
    });
  }

  /** The daemon adapter's events (docs/events.md), as Adapter.on: every one or those of one type.
   *  The first registration subscribes this connection; `subscribed` settles once the daemon
   *  has it, and events from then on arrive. */
  on(listener: (e: AdapterEvent) => void): () => void;
  on<T extends EventType>(type: T, listener: (e: EventOf<T>) => void): () => void;
  on(a: unknown, b?: unknown): () => void {
    const [type, fn] = listenerArgs('on', a, b);
    this.#assertOpen('on');
    this.#subscribe();
    return this.#listeners.add(type, fn, false);
  }
  /** As on(), for the next such event only. */
  once(listener: (e: AdapterEvent) => void): () => void;
  once<T extends EventType>(type: T, listener: (e: EventOf<T>) => void): () => void;
  once(a: unknown, b?: unknown): () => void {
    const [type, fn] = listenerArgs('once', a, b);
    this.#assertOpen('once');
    this.#subscribe();
    return this.#listeners.add(type, fn, true);
  }
  // As the adapter's: a closed connection carries no event, so a listener is refused, not kept.
  #assertOpen(call: string): void {
    if (this.#closed) throw new Error(`${call}(): this daemon connection is closed, so no event will come`);
  }
  /** Removes one registration made by on() or once(). */
  off(listener: (e: AdapterEvent) => void): this;
  off<T extends EventType>(type: T, listener: (e: EventOf<T>) => void): this;
  off(a: unknown, b?: unknown): this {
    const [type, fn] = listenerArgs('off', a, b);
    this.#listeners.remove(type, fn);
    return this;
  }
  /** Settles once the daemon sends this connection its events (after the first on() or once()). */
  get subscribed(): Promise<void> {
    return (this.#subscribed ?? Promise.resolve()).then(() => {});
  }
  #subscribe(): void {
    this.#subscribed ??= this.rpc.request('events.subscribe');
    this.#subscribed.catch(() => {});
  }

  /** The socket this client talks through. */
  get socket(): string {
    return this.rpc.socket;
  }

  /** As Adapter.loginToTarget; `auth` may name its secrets by reference (`secretFile`,
   *  `secretEnv`), which the daemon reads with its own rights. */
  loginToTarget(req: LoginRequest | WireLoginRequest): RemoteOperation<LoginOutput> {
    if (!req || typeof req !== 'object') throw new TypeError('loginToTarget takes { target, portal, auth? }');
    if (typeof req.target !== 'string') throw new TypeError('target must be a string: a target id or an iSCSI name');
    if (typeof req.portal !== 'string') throw new TypeError('portal must be a string: host[:port]');
    if (req.auth !== undefined && (typeof req.auth !== 'object' || req.auth === null)) {
      throw new TypeError('auth must be an object');
    }
    return this.#start(CODE.ASYNC_LOGINTOTARGET, 'login', req);
  }

  /** As Adapter.logoutFromTarget: every session of `target` (its id or IQN) the daemon holds. */
  logoutFromTarget(target: string, opts: LogoutOptions = {}): RemoteOperation<LogoutOutput> {
    if (typeof target !== 'string') throw new TypeError('target must be a target id or an iSCSI name');
    if (!opts || typeof opts !== 'object') throw new TypeError('options must be an object');
    return this.#start(CODE.ASYNC_LOGOUTFROMTARGET, 'logout', { target, options: opts });
  }

  /** The handle of an operation the daemon runs, started by this or any other client. */
  async operation<T = unknown>(id: string): Promise<RemoteOperation<T>> {
    if (typeof id !== 'string') throw new TypeError('an operation id is a string');
    const status = await this.rpc.request<OperationStatus>('watch', { operation: id });
    const op = this.#track(new RemoteOperation<T>(status.type, this.rpc, Promise.resolve(id)), id);
    op.progressed(status);
    // A finished operation's output comes with the answer to wait().
    if (status.done) await op.wait();
    return op;
  }

  /** Every session the daemon holds. */
  async sessions(): Promise<SessionRow[]> {
    return (await this.rpc.request<{ sessions: SessionRow[] }>('sessions')).sessions;
  }

  /** The daemon's node records (docs/daemon.md, "Node records"). */
  readonly nodes = {
    list: async (): Promise<NodeRecord[]> => (await this.rpc.request<{ nodes: NodeRecord[] }>('nodes.list')).nodes,
    add: async (n: NodeRecord): Promise<NodeRecord[]> =>
      (await this.rpc.request<{ nodes: NodeRecord[] }>('nodes.add', n)).nodes,
    remove: async (target: string, portal?: string): Promise<number> =>
      (await this.rpc.request<{ removed: number }>('nodes.remove', { target, ...(portal ? { portal } : {}) }))
        .removed,
  };

  /** Closes this connection; what it started goes on in the daemon. */
  close(): Promise<void> {
    this.#closed = true;
    this.rpc.close();
    return Promise.resolve();
  }

  #start<T>(type: number, method: string, params: object): RemoteOperation<T> {
    const id = this.rpc.request<{ operation: string }>(method, params).then((r) => r.operation);
    const op = new RemoteOperation<T>(type, this.rpc, id);
    id.then((v) => this.#track(op, v), () => {});
    return op;
  }
  #track<T>(op: RemoteOperation<T>, id: string): RemoteOperation<T> {
    if (!this.#ops.has(id)) this.#ops.set(id, new Set());
    this.#ops.get(id)!.add(op as RemoteOperation<unknown>);
    for (const n of this.#early.get(id) ?? []) this.#apply(op, n.method, n.params);
    this.#early.delete(id);
    return op;
  }
  #apply<T>(op: RemoteOperation<T>, method: string, p: Record<string, unknown>): void {
    if (method === 'progress') op.progressed(p as unknown as OperationStatus);
    if (method !== 'finished') return;
    op.finished(p as unknown as OperationEnd);
    this.#ops.get(p.operation as string)?.delete(op as RemoteOperation<unknown>);
  }
}

/** connectDaemon for a runtime's Unix socket connect. */
export function daemonConnector(connect: UnixConnect, whoami: Whoami) {
  /** Connects to the daemon at `socket` (default: ISCSI_ADAPTER_SOCKET, else where the daemon
   *  listens by default) and checks it speaks this protocol version; rejects with
   *  DaemonUnreachableError ("daemon not running at PATH") when nothing answers there. */
  return async function connectDaemon(opts: { socket?: string; timeoutMs?: number } = {}): Promise<DaemonClient> {
    if (typeof opts !== 'object' || opts === null || (opts.socket !== undefined && typeof opts.socket !== 'string')) {
      throw new TypeError("connectDaemon takes { socket?: the path of the daemon's socket, timeoutMs? }");
    }
    const socket = opts.socket || daemonSocket(whoami);
    const rpc = await RpcConnection.open(connect, socket);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new DaemonError('timeout', `the daemon at ${socket} did not answer hello`)),
          opts.timeoutMs ?? 5000,
        );
      });
      const hello = await Promise.race([rpc.request<DaemonHello>('hello', { version: PROTOCOL_VERSION }), late]);
      return new DaemonClient(rpc, hello);
    } catch (e) {
      rpc.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };
}
