import { Adapter } from '../adapter.ts';
import type { AdapterOptions } from '../api.ts';
import { bunHost } from './host.ts';
export * from '../exports.ts';
export { bunHost as host };

/** An adapter whose sockets and timers are bun's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(bunHost, opts);
}
