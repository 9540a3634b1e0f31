// Where one LoginToTarget's time goes, in the running runtime: the adapter runs over the
// runtime's own host, wrapped to note the moment of each step at the socket; then the runtime's
// connect alone, with nothing of ours around it. Usage:
//   login-phases.ts --portal HOST:PORT --target IQN --iter N
// Prints one JSON line per phase: {"bench":"login-phase","runtime","phase","medianUs"}.
import type { Conn, ConnHandlers, Host } from '../hosts/types.ts';
import { arg, emit, runtimeName, scriptArgs, socketsGone } from './runtime.ts';
import { runtimeModule } from './library.ts';

const rt = runtimeName();
const mod = await runtimeModule();

const argv = scriptArgs();
const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
const [portal, target, iter] = [str('portal'), str('target'), arg('iter', 300)];
const LOGIN_REQUEST = 0x43; // opcode 0x03 with the immediate bit: the first byte of each Login Request
const now = () => performance.now();
let asked = 0, connected = 0;
let written: number[] = [], answered: number[] = [];
const noted: Host = {
  ...mod.host,
  async connect(opts, h: ConnHandlers): Promise<Conn> {
    asked = now();
    const c = await mod.host.connect(opts, {
      ...h,
      onData: (b) => {
        if (written.length > answered.length) answered.push(now());
        h.onData(b);
      },
    });
    connected = now();
    return {
      write(b) {
        if (b[0] === LOGIN_REQUEST) written.push(now());
        return c.write(b);
      },
      close: () => c.close(),
    };
  },
};
const adapter = new mod.Adapter(noted, { recovery: false });
const phases: Record<string, number[]> = {
  'call to connect asked': [],
  'connect asked to connected': [],
  'connected to first Login Request written': [],
  'first Login round trip': [],
  'Response read to next Login Request written': [],
  'next Login round trip': [],
  'last Response read to handle resolved': [],
  'total (the handle)': [],
  "the runtime's connect alone (no login)": [],
};
const lists = Object.values(phases);
for (let i = 0; i < iter + 30; i++) {
  written = [];
  answered = [];
  const start = now();
  const { hr } = await adapter.loginToTarget({ target, portal }).wait();
  const end = now();
  if (hr !== 0) throw new Error(`login ended 0x${hr.toString(16)}`);
  await adapter.logoutFromTarget(target).wait();
  // The last socket is gone before the next login, so no teardown runs inside a phase.
  await socketsGone(adapter, 2000);
  if (i < 30 || written.length !== 2 || answered.length !== 2) continue;
  const steps = [start, asked, connected, written[0], answered[0], written[1], answered[1], end];
  steps.slice(1).forEach((t, k) => lists[k].push(t - steps[k]));
  lists[7].push(end - start);
}
await adapter.close();
const [host, port] = [portal.slice(0, portal.lastIndexOf(':')), Number(portal.slice(portal.lastIndexOf(':') + 1))];
for (let i = 0; i < iter + 30; i++) {
  let closed!: () => void;
  const done = new Promise<void>((r) => (closed = r));
  const start = now();
  const c = await mod.host.connect({ host, port }, { onData() {}, onEnd() {}, onClose: () => closed() });
  const took = now() - start;
  c.close();
  await done;
  if (i >= 30) lists[8].push(took);
}
const median = (xs: number[]) => xs.length ? xs.sort((a, b) => a - b)[xs.length >> 1] : NaN;
for (const [phase, xs] of Object.entries(phases)) {
  emit({ bench: 'login-phase', runtime: rt, phase, medianUs: Math.round(median(xs) * 1000 * 10) / 10 });
}
