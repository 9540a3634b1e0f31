// Our side of `npm run bench:logout`, in the running runtime (node:net, Deno.connect or Bun.connect).
//   logout.ts latency --portal P --target IQN --iter 300 [--warm W]   one login and one LogoutFromTarget, ITER times
//                                     after W (default 10,240)
//   logout.ts scale --portal P --target IQN --n N --conc C --reps R [--warm W]
//                                     LogoutFromTarget of N sessions, R times after W rounds (default:
//                                     the rounds that log out 10,240 sessions), and the first round alone
//   logout.ts lag --portal P --target IQN --n N               the largest lateness of a 1 ms timer during that logout
//   logout.ts memory --portal P --target IQN --n N            heap plus Wasm memory per logged-in session
// Prints JSON lines in the format of bench/logout-run.ts.
import { arg, emit, runtimeName, scriptArgs, socketsGone } from './runtime.ts';
import { runtimeModule } from './library.ts';
import { stats } from './stats.ts';

const rt = runtimeName();
const { createAdapter, hrName } = await runtimeModule();
type Adapter = ReturnType<typeof createAdapter>;

const argv = scriptArgs();
const mode = argv[0];
const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
const portal = str('portal'), target = str('target'), n = arg('n', 1);

async function loginAll(a: Adapter, count: number): Promise<void> {
  for (let i = 0; i < count; i += 64) {
    const batch = Array.from(
      { length: Math.min(64, count - i) },
      () => a.loginToTarget({ target, portal }).wait({ timeoutMs: 60000 }),
    );
    for (const r of await Promise.all(batch)) {
      if (r.hr !== 0) throw new Error(`login: ${hrName(r.hr)} ${r.output.result}`);
    }
  }
}
async function logoutAll(a: Adapter, concurrency?: number): Promise<number> {
  const t0 = performance.now();
  const { hr } = await a.logoutFromTarget(target, { concurrency }).wait({ timeoutMs: 120000 });
  if (hr !== 0) throw new Error(`logout: ${hrName(hr)}`);
  return performance.now() - t0;
}
// Every socket let go (each waits for the target's FIN for 1 s at most) before the next figure.
const settled = (a: Adapter) => socketsGone(a, 5000);
// Uncounted logins and logouts before any figure, in both modes: under Node the optimising
// compiler took about 3,000 sessions to reach its code (bench/RESULTS.md).
const WARM_SESSIONS = 10240;
const heap = () =>
  (globalThis as unknown as { process: { memoryUsage(): { heapUsed: number } } }).process.memoryUsage().heapUsed;

const a = createAdapter({ maxSessions: Math.max(1024, n + 64) });
if (mode === 'latency') {
  const iter = arg('iter', 300), login: number[] = [], logout: number[] = [], closed: number[] = [];
  // Uncounted first, as many as the scale mode's (see there): one login and logout each.
  for (let i = -arg('warm', WARM_SESSIONS); i < iter; i++) {
    const t0 = performance.now();
    const r = await a.loginToTarget({ target, portal }).wait();
    const t1 = performance.now();
    if (r.hr !== 0) throw new Error(`login: ${hrName(r.hr)}`);
    const ms = await logoutAll(a);
    // The handle resolves at the Logout Response; the socket is let go after the target's FIN.
    // Waiting for that here keeps the last session's teardown out of the next login's time, as
    // libiscsi's logout-plus-close keeps its own, and times the whole logout as well.
    await settled(a);
    if (i >= 0) {
      login.push(t1 - t0);
      logout.push(ms);
      closed.push(performance.now() - t1);
    }
  }
  emit({ bench: 'login', impl: 'ours', runtime: rt, n: 1, concurrency: 1, ...stats(login) });
  emit({ bench: 'logout', impl: 'ours', runtime: rt, n: 1, concurrency: 64, ...stats(logout) });
  emit({ bench: 'logout to socket let go', impl: 'ours', runtime: rt, n: 1, concurrency: 64, ...stats(closed) });
} else if (mode === 'scale') {
  const conc = arg('conc', 64), times: number[] = [];
  // Rounds first, not counted, as many sessions' worth as the latency mode's uncounted logins: a
  // process that holds sessions (the daemon) runs optimised code, and under Node the optimising
  // compiler took about 3,000 sessions to get there (bench/RESULTS.md); the C peer has no JIT.
  // The first round, what a process that logs out once pays, is reported beside the median.
  const warm = arg('warm', Math.ceil(WARM_SESSIONS / n));
  let first = 0;
  for (let r = -warm; r < arg('reps', 5); r++) {
    await loginAll(a, n);
    const ms = await logoutAll(a, conc);
    await settled(a); // this round's teardown stays out of the next one
    if (r === -warm) first = ms;
    if (r >= 0) times.push(ms);
  }
  emit({ bench: 'logout', impl: 'ours', runtime: rt, n, concurrency: conc, ...stats(times), firstMs: first });
} else if (mode === 'lag') {
  await loginAll(a, n);
  let worst = 0, last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 1);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 20));
  worst = 0;
  last = performance.now();
  await logoutAll(a);
  clearInterval(tick);
  emit({ bench: 'lag', impl: 'ours', runtime: rt, n, concurrency: 64, maxLagMs: Number(worst.toFixed(2)) });
} else if (mode === 'memory') {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = heap();
  await loginAll(a, n);
  gc?.();
  const after = heap();
  const wasm = a.memoryBytes();
  emit({
    bench: 'memory',
    impl: 'ours',
    runtime: rt,
    n,
    heapBytesPerSession: Math.round((after - before) / n),
    wasmBytes: wasm,
    bytesPerSession: Math.round((after - before + wasm) / n),
  });
  await logoutAll(a);
}
await a.close();
