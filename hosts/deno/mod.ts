import { Adapter } from '../adapter.ts';
import type { AdapterOptions } from '../api.ts';
import { denoHost } from './host.ts';
export * from '../exports.ts';
export { denoHost as host };

/** An adapter whose sockets and timers are deno's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(denoHost, opts);
}
