// Bundled for a browser page: the wire corpus's driving half (test/conformance/wire-drive.ts)
// over the shipped web bundle, which the page serves as /dist/web.mjs and this module loads as it is.
import type * as Web from '../../hosts/web/mod.ts';
import { type Driven, driveWireScenario } from '../conformance/wire-drive.ts';

const WEB_BUNDLE = '/dist/web.mjs';

declare global {
  var driveWire: (name: string, portal: string, target: string, bridge: string, token: string) => Promise<Driven>;
}

globalThis.driveWire = async (name, portal, target, bridge, token) => {
  const web: typeof Web = await import(WEB_BUNDLE);
  return driveWireScenario(name, (o) => web.createAdapter({ ...o, bridge, token }), portal, target);
};
