// The library's entry for the running runtime (its createAdapter, Adapter and host), for the
// benchmarks that run the same file under Node, Deno and Bun.
import { runtimeName } from './runtime.ts';

export const runtimeModule = () =>
  runtimeName() === 'deno'
    ? import('../hosts/deno/mod.ts')
    : runtimeName() === 'bun'
    ? import('../hosts/bun/mod.ts')
    : import('../hosts/node/mod.ts');
