import { Adapter } from '../adapter.ts';
import type { AdapterOptions } from '../api.ts';
import { nodeHost } from './host.ts';
export * from '../exports.ts';
export { nodeHost as host };

/** An adapter whose sockets and timers are node's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(nodeHost, opts);
}
