import { Adapter } from '../adapter.ts';
import type { AdapterOptions } from '../api.ts';
import { denoHost } from './host.ts';
import { openFileExtent } from '../node/file-extent.ts';
import { copier } from '../bulk/copy.ts';
import { unixConnect } from './unix.ts';
import { daemonConnector } from '../remote/daemon-client.ts';
import { whoami } from './whoami.ts';
export * from '../exports.ts';
export { denoHost as host };

/** An adapter whose sockets and timers are deno's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(denoHost, opts);
}

/** Copies between a LUN and a file or another LUN (docs/io.md, "Bulk transfers"); files through node:fs. */
export const copy = copier(openFileExtent);

/** A client of a running `iscsi-adapter daemon` (docs/daemon.md): the adapter's calls across its socket. */
export const connectDaemon = daemonConnector(unixConnect, whoami);
