// A request's failure as a JSON-RPC error: the code (hosts/remote/protocol.ts) and a message.
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = 'RpcError';
  }
}
