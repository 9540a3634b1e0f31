import type { CoreExports } from './load.ts';
import { CODE } from '../codes.generated.ts';

/** Views over the core's fixed regions, made once: the memory never grows. */
export interface CoreViews {
  rx: Uint8Array; tx: Uint8Array; io: Uint8Array; act: Uint32Array; fields: Uint32Array;
}
export function coreViews(core: CoreExports): CoreViews {
  const buf = core.memory.buffer;
  return {
    rx: new Uint8Array(buf, core.rxPtr(), CODE.RX_CAP),
    tx: new Uint8Array(buf, core.txPtr(), 1 << 20),
    io: new Uint8Array(buf, core.ioPtr(), 4096),
    act: new Uint32Array(buf, core.actPtr(), 8192 * 8),
    fields: new Uint32Array(buf, core.fieldsPtr(), 32),
  };
}
