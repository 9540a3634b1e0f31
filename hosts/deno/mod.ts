import { Adapter, type AdapterOptions } from '../adapter.ts';
import { denoHost } from './host.ts';
export * from '../api.ts';
export { denoHost as host };

/** An adapter whose sockets and timers are deno's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(denoHost, opts);
}
