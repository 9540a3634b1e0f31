import { Adapter } from '../adapter.ts';
import type { AdapterOptions } from '../api.ts';
import { bunHost } from './host.ts';
import { openFileExtent } from '../node/file-extent.ts';
import { copier } from '../bulk/copy.ts';
import { unixConnect } from '../node/unix.ts';
import { daemonConnector } from '../remote/daemon-client.ts';
import { whoami } from '../node/whoami.ts';
export * from '../exports.ts';
export { bunHost as host };

/** An adapter whose sockets and timers are bun's own. */
export function createAdapter(opts: AdapterOptions = {}): Adapter {
  return new Adapter(bunHost, opts);
}

/** Copies between a LUN and a file or another LUN (docs/io.md, "Bulk transfers"); files through node:fs. */
export const copy = copier(openFileExtent);

/** A client of a running `iscsi-adapter daemon` (docs/daemon.md): the adapter's calls across its socket. */
export const connectDaemon = daemonConnector(unixConnect, whoami);
