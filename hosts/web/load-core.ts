// The core compiled while it downloads (WebAssembly.compileStreaming), for pages that would
// rather not carry it inside the bundle's text. Without loadCore() the embedded copy is used.
import { CORE_WASM_SHA256 } from '../wasm/core-wasm.ts';
import { type CoreBuild, provideCoreModule } from '../wasm/load.ts';

const hexToBase64 = (hex: string) => btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16))));

/** Compiles the SIMD build from `url` (the `core.wasm` shipped beside the web bundle), checked by
 *  the fetch's integrity to be the one this bundle was built with; an engine without Wasm SIMD
 *  keeps the embedded scalar build. Call it before createAdapter(). */
export async function loadCore(url: string | URL): Promise<CoreBuild> {
  const response = fetch(url, { integrity: `sha256-${hexToBase64(CORE_WASM_SHA256)}` });
  try {
    provideCoreModule('simd', await WebAssembly.compileStreaming(response));
    return 'simd';
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) return 'scalar';
    throw e;
  }
}
