import { CORE_SCALAR_WASM_BASE64, CORE_WASM_BASE64 } from './core-wasm.ts';
import { CODE, type CoreExports } from '../codes.generated.ts';

export type { CoreExports };

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The two builds of one source: with Wasm SIMD (faster header checks) and without. */
export type CoreBuild = 'simd' | 'scalar';
const modules: Partial<Record<CoreBuild, WebAssembly.Module>> = {};
const bytes = (build: CoreBuild) => decodeBase64(build === 'simd' ? CORE_WASM_BASE64 : CORE_SCALAR_WASM_BASE64);

/** The SIMD build where the engine validates it (as undici picks llhttp's), else the scalar one:
 *  an engine without SIMD refuses the module at compile time, not at a call. */
export function pickBuild(validate: (b: BufferSource) => boolean = WebAssembly.validate): CoreBuild {
  return validate(bytes('simd') as BufferSource) ? 'simd' : 'scalar';
}
let chosen: CoreBuild | undefined;
/** The build this process runs, chosen once. */
export function coreBuild(): CoreBuild {
  chosen ??= pickBuild();
  return chosen;
}

/** A module of `build` compiled elsewhere (streaming, in a browser): this process runs it. */
export function provideCoreModule(build: CoreBuild, m: WebAssembly.Module): void {
  modules[build] = m;
  chosen = build;
}

/** One compile per process and build (lazily, as undici does with llhttp). */
export function coreModule(build: CoreBuild = coreBuild()): WebAssembly.Module {
  modules[build] ??= new WebAssembly.Module(bytes(build) as BufferSource);
  return modules[build];
}
/** One instance per caller, its tables sized for `sessions` sessions and `tasks` commands in
 *  flight, `perSession` of them on one session at most (0: half); the module needs no imports
 *  at all. Its memory grows here, once. `build` is for tests, which run both. */
export function instantiateCore(
  sessions: number = CODE.DEFAULT_SESSIONS,
  tasks: number = CODE.DEFAULT_TASKS,
  perSession = 0,
  build: CoreBuild = coreBuild(),
): CoreExports {
  const core = new WebAssembly.Instance(coreModule(build), {}).exports as unknown as CoreExports;
  if (core.init(sessions, tasks, perSession) !== 0) {
    throw new RangeError(
      `cannot size the core for ${sessions} sessions and ${tasks} commands, ${
        perSession || 'half'
      } per session (at most ${CODE.MAX_SESSIONS_LIMIT} and ${CODE.MAX_TASKS}, per session at most the commands)`,
    );
  }
  return core;
}
