import type { CoreExports } from './load.ts';

/** Views over the core's fixed regions, made once (the memory never grows), sized by the
 *  module itself so no size is repeated here. */
export interface CoreViews {
  rx: Uint8Array;
  tx: Uint8Array;
  io: Uint8Array;
  act: Uint32Array;
  actWords: number;
  fields: Uint32Array;
  /** Where a Data-Out's bytes are copied only to have the core compute their data digest. */
  payload: Uint8Array;
}
export function coreViews(core: CoreExports): CoreViews {
  const buf = core.memory.buffer;
  return {
    rx: new Uint8Array(buf, core.rxPtr(), core.rxCap()),
    tx: new Uint8Array(buf, core.txPtr(), core.txCap()),
    io: new Uint8Array(buf, core.ioPtr(), core.ioCap()),
    act: new Uint32Array(buf, core.actPtr(), core.actCap() * core.actWords()),
    actWords: core.actWords(),
    fields: new Uint32Array(buf, core.fieldsPtr(), core.fieldsCap()),
    payload: new Uint8Array(buf, core.payloadPtr(), core.payloadCap()),
  };
}
