// `iscsi-adapter/web`: the adapter in a browser (or any runtime with a standard WebSocket),
// reaching targets through `iscsi-adapter bridge` (docs/bridge.md). No Node built-ins.
import { Adapter } from '../adapter.ts';
import type { AdapterOptions } from '../api.ts';
import { copier } from '../bulk/copy.ts';
import { webHost, type WebHostOptions } from './host.ts';
export * from '../exports.ts';
export { webHost as host, type WebHostOptions, type WebSocketClass } from './host.ts';
export { BridgeError } from './bridge-error.ts';
export { BRIDGE_CLOSE, bridgeCloseName } from './bridge-protocol.ts';
export { loadCore } from './load-core.ts';

export type WebAdapterOptions = AdapterOptions & WebHostOptions;

/** An adapter whose connections go through the bridge at `opts.bridge`, with `opts.token`. */
export function createAdapter(opts: WebAdapterOptions): Adapter {
  const { bridge, token, WebSocket, ...rest } = opts;
  return new Adapter(webHost({ bridge, token, WebSocket }), rest);
}

/** Copies between two LUNs (docs/io.md, "Bulk transfers"); a browser has no files to name. */
export const copy = copier(() => Promise.reject(new TypeError('the web host copies between LUNs, not files')));
