// Where one LogoutFromTarget's time goes, in the running runtime: the adapter runs over the
// runtime's own host, wrapped to note the moment of each step at the socket. Usage:
//   logout-phases.ts --portal HOST:PORT --target IQN --iter N
// Prints one JSON line per phase: {"bench":"logout-phase","runtime","phase","medianUs"}.
import type { Conn, ConnHandlers, Host } from '../hosts/types.ts';
import { arg, emit, runtimeName, scriptArgs } from './runtime.ts';
import { runtimeModule } from './library.ts';

const rt = runtimeName();
const mod = await runtimeModule();

const argv = scriptArgs();
const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
const [portal, target, iter] = [str('portal'), str('target'), arg('iter', 300)];
const LOGOUT_REQUEST = 0x46; // opcode 0x06 with the immediate bit: the first byte of our Logout
let at: Record<string, number> = {};
const now = () => performance.now();
const noted: Host = {
  ...mod.host,
  async connect(opts, h: ConnHandlers): Promise<Conn> {
    const c = await mod.host.connect(opts, {
      onData: (b) => {
        if (at.sent && !at.response) at.response = now();
        h.onData(b);
      },
      onEnd: () => {
        at.fin = now();
        h.onEnd();
      },
      onClose: (e) => h.onClose(e),
    });
    return {
      write(b) {
        if (b[0] === LOGOUT_REQUEST) at.sent = now();
        return c.write(b);
      },
      close() {
        at.closing = now();
        c.close();
        at.closed = now();
      },
    };
  },
};
const adapter = new mod.Adapter(noted, {});
// The handle resolves at the Logout Response (docs/logout.md); the socket's FIN and close come
// after it, while it lingers, and are timed apart.
const phases: Record<string, number[]> = {
  'call to Logout written': [],
  'Logout written to Response read (round trip)': [],
  'Response read to handle resolved': [],
  'total (the handle)': [],
  'after it: Response to target FIN': [],
  'after it: FIN to our close()': [],
};
const lists = Object.values(phases);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < iter + 30; i++) {
  await adapter.loginToTarget({ target, portal }).result();
  at = {};
  const start = now();
  const { hr } = await adapter.logoutFromTarget(target).wait();
  const end = now();
  if (hr !== 0) throw new Error(`logout ended 0x${hr.toString(16)}`);
  for (const stop = now() + 2000; at.closed === undefined && now() < stop;) await sleep(1);
  if (i < 30) continue;
  const steps = [start, at.sent, at.response, end];
  steps.slice(1).forEach((t, k) => lists[k].push(t - steps[k]));
  lists[3].push(end - start);
  if (at.fin !== undefined) lists[4].push(at.fin - at.response);
  if (at.fin !== undefined && at.closing !== undefined) lists[5].push(at.closing - at.fin);
}
await adapter.close();
const median = (xs: number[]) => xs.length ? xs.sort((a, b) => a - b)[xs.length >> 1] : NaN;
for (const [phase, xs] of Object.entries(phases)) {
  emit({ bench: 'logout-phase', runtime: rt, phase, medianUs: Math.round(median(xs) * 1000 * 10) / 10 });
}
