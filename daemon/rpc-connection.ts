// One client connection: lines in, JSON-RPC answers out (docs/daemon.md, "Errors"). Every bad
// message gets its error and the connection goes on, except one over the size limit, after which
// the framing is lost and the connection is closed.
import { LineReader } from '../hosts/remote/lines.ts';
import { MAX_MESSAGE_BYTES, RPC_ERROR } from '../hosts/remote/protocol.ts';
import { hello, METHODS, type Service } from './methods.ts';
import type { Notify } from './operations.ts';
import { RpcError } from './rpc-error.ts';

export interface Wire {
  write(text: string): void;
  /** Ends the connection once what was written is sent. */
  end(): void;
}
type Id = string | number | null;

export class RpcConnection {
  #lines = new LineReader(MAX_MESSAGE_BYTES);
  #greeted = false;
  #open = true;
  readonly notify: Notify = (method, params) => this.#send({ jsonrpc: '2.0', method, params });

  constructor(private readonly service: Service, private readonly wire: Wire) {}

  data(chunk: Uint8Array): void {
    const lines = this.#lines.push(chunk);
    if (lines === 'too-large') {
      this.#error(null, new RpcError(RPC_ERROR.invalidRequest, `message over ${MAX_MESSAGE_BYTES} bytes`));
      this.wire.end();
      return;
    }
    for (const l of lines) if (l.trim()) void this.#handle(l);
  }
  closed(): void {
    this.#open = false;
    this.service.ops.forget(this.notify);
    this.service.subscribers.delete(this.notify);
  }

  async #handle(line: string): Promise<void> {
    let m: { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown };
    try {
      m = JSON.parse(line);
    } catch {
      return this.#error(null, new RpcError(RPC_ERROR.parse, 'not JSON'));
    }
    const id = (typeof m?.id === 'string' || typeof m?.id === 'number' ? m.id : null) as Id;
    if (!m || typeof m !== 'object' || Array.isArray(m) || m.jsonrpc !== '2.0' || typeof m.method !== 'string') {
      return this.#error(id, new RpcError(RPC_ERROR.invalidRequest, 'not a JSON-RPC 2.0 request'));
    }
    if (m.id !== undefined && m.id !== null && id === null) {
      return this.#error(null, new RpcError(RPC_ERROR.invalidRequest, 'id must be a string or a number'));
    }
    const params = m.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      return this.#error(id, new RpcError(RPC_ERROR.invalidParams, 'params must be an object'));
    }
    try {
      let result: unknown;
      if (m.method === 'hello') {
        result = hello(params as Record<string, unknown>, this.service);
        this.#greeted = true;
      } else if (!this.#greeted) {
        throw new RpcError(RPC_ERROR.helloFirst, 'say hello first (docs/daemon.md, "Handshake")');
      } else {
        const f = Object.hasOwn(METHODS, m.method) ? METHODS[m.method] : undefined;
        if (!f) throw new RpcError(RPC_ERROR.methodNotFound, `no method ${m.method}`);
        result = await f(this.service, params as Record<string, unknown>, { notify: this.notify });
      }
      // A notification (no id) gets no answer, as JSON-RPC says.
      if (m.id !== undefined) this.#send({ jsonrpc: '2.0', id, result });
    } catch (e) {
      if (e instanceof RpcError) return this.#error(id, e);
      this.service.log(`internal error in ${m.method}: ${(e as Error)?.message ?? e}`);
      this.#error(id, new RpcError(-32603, `internal error: ${(e as Error)?.message ?? e}`));
    }
  }

  #error(id: Id, e: RpcError): void {
    this.#send({
      jsonrpc: '2.0',
      id,
      error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) },
    });
  }
  #send(m: object): void {
    if (this.#open) this.wire.write(JSON.stringify(m) + '\n');
  }
}
