// The core compiled while it downloads (WebAssembly.compileStreaming), for pages that would
// rather not carry it inside the bundle's text. Without loadCore() the embedded copy is used.
import { CORE_WASM_SHA256 } from '../wasm/core-wasm.ts';
import { type CoreBuild, provideCoreModule } from '../wasm/load.ts';

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Compiles the SIMD build from `url` (`iscsi-adapter/core.wasm`, shipped beside the web bundle)
 *  while it downloads, and uses it only if its bytes are the ones this bundle was built with (a
 *  SHA-256 of the same bytes, in every runtime: Deno's and Bun's fetch ignore `integrity`, and a
 *  browser's would fail with no word of why). An engine without Wasm SIMD keeps the embedded
 *  scalar build.
 *  Call it before createAdapter(); a failed or foreign download throws and changes nothing. */
export async function loadCore(url: string | URL): Promise<CoreBuild> {
  const response = await fetch(url);
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`loadCore: ${url} answered ${response.status} ${response.statusText}`);
  }
  const [compiled, digest] = await Promise.allSettled([
    WebAssembly.compileStreaming(response.clone()),
    response.arrayBuffer().then((b) => crypto.subtle.digest('SHA-256', b)),
  ]);
  if (digest.status === 'rejected') throw digest.reason;
  if (hex(digest.value) !== CORE_WASM_SHA256) {
    throw new Error(`loadCore: ${url} is not the core this bundle was built with (SHA-256 ${hex(digest.value)})`);
  }
  if (compiled.status === 'rejected') {
    if (compiled.reason instanceof WebAssembly.CompileError) return 'scalar';
    throw compiled.reason;
  }
  provideCoreModule('simd', compiled.value);
  return 'simd';
}
