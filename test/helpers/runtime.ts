// Which runtime this is, and the script's own arguments, in any of the three runtimes.
export const runtimeName = (): 'node' | 'deno' | 'bun' =>
  (globalThis as { Deno?: unknown }).Deno ? 'deno' : (globalThis as { Bun?: unknown }).Bun ? 'bun' : 'node';
export const scriptArgs = (): string[] =>
  (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
