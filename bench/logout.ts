// Login latency and LogoutFromTarget wall time for N sessions against a real target.
// Usage: logout.ts --portal HOST:PORT --target IQN --sessions N   (one JSON line)
import { arg, emit, runtimeName, scriptArgs } from './runtime.ts';

// Each runtime measures its own host (node:net, Deno.connect, Bun.connect).
const rt = runtimeName();
const { createAdapter, hrName } = rt === 'deno'
  ? await import('../hosts/deno/mod.ts')
  : rt === 'bun'
  ? await import('../hosts/bun/mod.ts')
  : await import('../hosts/node/mod.ts');

const argv = scriptArgs();
const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
const n = arg('sessions', 16);
const adapter = createAdapter();
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const r = await adapter.loginToTarget({ target: str('target'), portal: str('portal') }).wait({ timeoutMs: 30000 });
  if (r.hr !== 0) throw new Error(`login ${i}: ${hrName(r.hr)}`);
}
const login = (performance.now() - t0) / n;
const t1 = performance.now();
const { hr, output } = await adapter.logoutFromTarget(str('target')).wait({ timeoutMs: 60000 });
const logout = performance.now() - t1;
if (hr !== 0) {
  throw new Error(`logout: ${hrName(hr)} ${JSON.stringify(output.sessions.filter((s) => s.hr !== 0).slice(0, 3))}`);
}
await adapter.close();
emit({ bench: 'logout', impl: 'wasm', runtime: runtimeName(), sessions: n, loginMeanMs: login, logoutMs: logout });
