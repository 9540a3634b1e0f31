// One JSON-RPC connection to the daemon: requests matched to answers by id, notifications handed
// on, and every pending request rejected when the connection ends (none waits for ever).
import type { Conn } from '../types.ts';
import { LineReader } from './lines.ts';
import { MAX_MESSAGE_BYTES } from './protocol.ts';
import { DaemonError, DaemonUnreachableError } from './errors.ts';
import type { UnixConnect } from './unix.ts';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
const enc = new TextEncoder();

export class RpcConnection {
  #conn!: Conn;
  #next = 1;
  #pending = new Map<number, Pending>();
  #ended?: DaemonError;
  #onNotify: (method: string, params: Record<string, unknown>) => void = () => {};
  #onEnd: () => void = () => {};

  private constructor(readonly socket: string) {}

  static async open(connect: UnixConnect, socket: string): Promise<RpcConnection> {
    const c = new RpcConnection(socket);
    const lines = new LineReader(MAX_MESSAGE_BYTES);
    try {
      c.#conn = await connect(socket, {
        onData: (chunk) => {
          const got = lines.push(chunk);
          if (got === 'too-large') return c.#end('the daemon sent a message over the size limit');
          for (const l of got) c.#message(l);
        },
        onEnd: () => {},
        onClose: () => c.#end(`the connection to the daemon at ${socket} closed`),
      });
    } catch (e) {
      throw new DaemonUnreachableError(socket, (e as { code?: string }).code);
    }
    return c;
  }

  get closed(): boolean {
    return !!this.#ended;
  }
  onNotify(fn: (method: string, params: Record<string, unknown>) => void): void {
    this.#onNotify = fn;
  }
  onEnd(fn: () => void): void {
    this.#onEnd = fn;
  }

  request<R>(method: string, params: object = {}): Promise<R> {
    if (this.#ended) return Promise.reject(this.#ended);
    const id = this.#next++;
    return new Promise<R>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#conn.write(enc.encode(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n'));
    });
  }

  close(): void {
    this.#end('the client closed the connection');
  }

  #message(line: string): void {
    let m: { id?: number | null; result?: unknown; error?: { code: number; message: string; data?: unknown } };
    let n: { method?: string; params?: Record<string, unknown> };
    try {
      m = n = JSON.parse(line);
    } catch {
      return this.#end('the daemon sent a line that is not JSON');
    }
    if (typeof n.method === 'string' && m.id === undefined) return this.#onNotify(n.method, n.params ?? {});
    // An error that answers no request (id null) is the daemon refusing this connection.
    if (m.id === null && m.error) return this.#end(new DaemonError(m.error.code, m.error.message, m.error.data));
    const p = this.#pending.get(m.id as number);
    if (!p) return;
    this.#pending.delete(m.id as number);
    if (m.error) p.reject(new DaemonError(m.error.code, m.error.message, m.error.data));
    else p.resolve(m.result);
  }

  #end(why: string | DaemonError): void {
    if (this.#ended) return;
    this.#ended = typeof why === 'string' ? new DaemonError('closed', why) : why;
    for (const p of this.#pending.values()) p.reject(this.#ended);
    this.#pending.clear();
    this.#conn?.close();
    this.#onEnd();
  }
}
