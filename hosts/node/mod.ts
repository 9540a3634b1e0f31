import { Adapter, type AdapterOptions } from '../adapter.ts';
import { nodeHost } from './host.ts';
export * from '../api.ts';
export { nodeHost as host };

/** An adapter whose sockets and timers are node's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(nodeHost, opts);
}
