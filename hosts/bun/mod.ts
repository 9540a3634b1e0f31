import { Adapter, type AdapterOptions } from '../adapter.ts';
import { bunHost } from './host.ts';
export * from '../api.ts';
export { bunHost as host };

/** An adapter whose sockets and timers are bun's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(bunHost, opts);
}
