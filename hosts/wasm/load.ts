import { CORE_WASM_BASE64 } from './core-wasm.ts';
import { CODE, type CoreExports } from '../codes.generated.ts';

export type { CoreExports };

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let module: WebAssembly.Module | undefined;

/** One compile per process (lazily, as undici does with llhttp). */
export function coreModule(): WebAssembly.Module {
  module ??= new WebAssembly.Module(decodeBase64(CORE_WASM_BASE64) as BufferSource);
  return module;
}
/** One instance per caller, its tables sized for `sessions` sessions and `tasks` commands in
 *  flight, `perSession` of them on one session at most (0: half); the module needs no imports
 *  at all. Its memory grows here, once. */
export function instantiateCore(
  sessions: number = CODE.DEFAULT_SESSIONS,
  tasks: number = CODE.DEFAULT_TASKS,
  perSession = 0,
): CoreExports {
  const core = new WebAssembly.Instance(coreModule(), {}).exports as unknown as CoreExports;
  if (core.init(sessions, tasks, perSession) !== 0) {
    throw new RangeError(
      `cannot size the core for ${sessions} sessions and ${tasks} commands, ${
        perSession || 'half'
      } per session (at most ${CODE.MAX_SESSIONS_LIMIT} and ${CODE.MAX_TASKS}, per session at most the commands)`,
    );
  }
  return core;
}
