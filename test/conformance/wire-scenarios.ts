// The wire corpus: scenarios played through the real adapter over loopback sockets, against the
// built-in target (its faults), tgtd or istgt, with a recording proxy in between. Written as data (which
// target, which fault) plus a small function that drives the public API and says what came back.
import type { Adapter, LoginOutput, LogoutOptions, LogoutOutput, Session } from 'iscsi-adapter';
import type { TargetSpec } from 'iscsi-adapter/target';

export interface WireCtx {
  adapter: Adapter;
  /** The proxy's portal: what the scenario connects to. */
  portal: string;
  target: string;
  say(line: string): void;
  login(auth?: Parameters<Adapter['loginToTarget']>[0]['auth']): Promise<LoginOutput>;
  logout(opts?: LogoutOptions): Promise<LogoutOutput>;
}
export interface WireScenario {
  /** 'own' = the built-in target with `spec`; 'tgtd' = tgtd's plain or CHAP target; 'istgt' = istgt's unit. */
  on: 'own' | 'tgtd' | 'istgt';
  spec?: Partial<TargetSpec>;
  /** Directions whose end is written only as 'closed': after a reset or a protocol error, FIN or
   *  RST is timing or the runtime's socket layer, not protocol (wire-transcript.ts). */
  looseEnds?: ('->' | '<-')[];
  run(ctx: WireCtx): Promise<void>;
}

const CHAP = { user: 'alice', secret: 'Secret4Initiator' };
const MUTUAL = { ...CHAP, targetUser: 'tgt', targetSecret: 'Secret4TargetSide' };
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const sessionsLeft = (c: WireCtx) => c.adapter.queryTargets().reduce((n, t) => n + t.sessions.length, 0);
const why = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

type Auth = Parameters<WireCtx['login']>[0];
async function loginLogout(c: WireCtx, opts?: LogoutOptions, auth?: Auth) {
  await c.login(auth);
  await c.logout(opts);
}
async function twoSessions(c: WireCtx) {
  await c.login();
  await c.login();
  await c.logout();
}
/** SendTargets, and what it found (with the portals when `portals`). */
async function discover(c: WireCtx, portals: boolean) {
  const out = await c.adapter.discover(c.portal).result();
  for (const t of out.targets) c.say(`discovered ${t.name}${portals ? ` at ${t.portals.join(', ')}` : ''}`);
}
/** One session, `fault` on the built-in target, then LogoutFromTarget with `opts`. */
const logoutFault = (fault: TargetSpec['fault'], opts?: LogoutOptions, faultArg?: number): WireScenario => ({
  on: 'own',
  spec: { fault, faultArg },
  run: (c) => loginLogout(c, opts),
});
/** One session on the built-in target with `fault`, then what an event did to it. */
const eventFault = (fault: TargetSpec['fault'], faultArg?: number): WireScenario => ({
  on: 'own',
  spec: { fault, faultArg },
  async run(c) {
    await c.login();
    // The event ends the session on its own (docs/events.md); wait for that, bounded.
    const end = Date.now() + 5000;
    while (sessionsLeft(c) > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    c.say(`sessions left: ${sessionsLeft(c)}`);
  },
});

/** One login, and its session as a disk. */
const loginDisk = async (c: WireCtx) => c.adapter.session((await c.login()).sessionId!)!;
/** Sends TEST UNIT READY and waits until it is in flight; `ended` says how it ended ('ok' or the
 *  error). Wrapped in an object so awaiting the send does not also await the end. */
async function sentTestUnitReady(disk: Session, signal?: AbortSignal): Promise<{ ended: Promise<string> }> {
  const ended = disk.testUnitReady(0, { signal }).then(() => 'ok', why);
  while (disk.inflight === 0) await new Promise((r) => setTimeout(r, 1));
  return { ended };
}

async function writeRead(c: WireCtx, lun: number) {
  const disk = await loginDisk(c);
  const data = pattern(65536, 3);
  await disk.write(lun, 8, data);
  c.say(`read back equal: ${same(await disk.read(lun, 8, 128), data)}`);
  await c.logout();
}

export const WIRE_SCENARIOS: Record<string, WireScenario> = {
  'login-logout': { on: 'own', run: (c) => loginLogout(c) },
  'login-chap': { on: 'own', spec: { chap: CHAP }, run: (c) => loginLogout(c, {}, { method: 'chap', ...CHAP }) },
  'login-mutual-chap': {
    on: 'own',
    spec: { chap: MUTUAL },
    run: (c) => loginLogout(c, {}, { method: 'mutual-chap', ...MUTUAL }),
  },
  'login-chap-wrong-secret': {
    on: 'own',
    spec: { chap: CHAP },
    run: async (c) => void await c.login({ method: 'chap', user: CHAP.user, secret: 'WrongSecret12' }),
  },
  'login-auth-fail': { on: 'own', spec: { fault: 'login-auth-fail' }, run: async (c) => void await c.login() },
  'login-hex-numbers': logoutFault('hex-numbers'),
  'login-key-split': logoutFault('key-split'),
  'login-propose-key': logoutFault('propose-key'),
  'login-skip-operational': logoutFault('skip-operational'),
  'discovery': { on: 'own', run: (c) => discover(c, true) },
  'discovery-text-split': { on: 'own', spec: { fault: 'text-split' }, run: (c) => discover(c, true) },
  'logout-two-sessions': { on: 'own', run: twoSessions },
  'logout-response-2': logoutFault('response-2'),
  'logout-no-response': logoutFault('no-response', { logoutTimeoutMs: 200 }),
  'logout-rst': { ...logoutFault('rst'), looseEnds: ['->'] },
  'logout-fin': logoutFault('fin'),
  'logout-split': logoutFault('split'),
  'logout-no-fin': logoutFault('no-fin', { graceMs: 100 }),
  'logout-data-segment': logoutFault('data-segment'),
  'logout-nop-during': logoutFault('nop-during-logout'),
  'logout-reject': logoutFault('reject-logout', { graceMs: 100 }),
  'event-async-logout': eventFault('async-logout', 0),
  'event-async-drop-all': eventFault('async-drop-all'),
  'event-reject-waiting': eventFault('reject-waiting'),
  'io-write-read': { on: 'own', run: (c) => writeRead(c, 0) },
  'io-check-condition': {
    on: 'own',
    spec: { fault: 'check-condition' },
    async run(c) {
      const disk = await loginDisk(c);
      c.say(`read: ${await disk.read(0, 0, 8).then(() => 'ok', why)}`);
      await c.logout();
    },
  },
  'io-unit-attention': {
    on: 'own',
    spec: { fault: 'unit-attention' },
    async run(c) {
      const disk = await loginDisk(c);
      c.say(`first: ${await disk.testUnitReady().then(() => 'ok', why)}`);
      c.say(`second: ${await disk.testUnitReady().then(() => 'ok', why)}`);
      await c.logout();
    },
  },
  'io-drain': {
    on: 'own',
    async run(c) {
      const disk = await loginDisk(c);
      await disk.readCapacity();
      const reads = Array.from({ length: 8 }, (_, i) => disk.read(0, i * 16, 16).then(() => 'ok', why));
      await c.logout({ inflight: 'drain' });
      c.say(`reads: ${(await Promise.all(reads)).join(', ')}`);
    },
  },
  'io-abort-stalled': {
    on: 'own',
    spec: { fault: 'stall' },
    async run(c) {
      const disk = await loginDisk(c);
      const { ended: tur } = await sentTestUnitReady(disk);
      await c.logout({ inflight: 'abort' });
      c.say(`test unit ready: ${await tur}`);
    },
  },
  'io-abort-task': {
    on: 'own',
    spec: { fault: 'stall' },
    async run(c) {
      const disk = await loginDisk(c);
      const stop = new AbortController();
      const { ended: tur } = await sentTestUnitReady(disk, stop.signal);
      stop.abort();
      c.say(`test unit ready: ${await tur}`);
      await c.logout();
    },
  },
  'io-refuse-busy': {
    on: 'own',
    spec: { fault: 'stall' },
    async run(c) {
      const disk = await loginDisk(c);
      const { ended: tur } = await sentTestUnitReady(disk);
      await c.logout({ inflight: 'refuse' });
      await c.logout({ inflight: 'abort' });
      c.say(`test unit ready: ${await tur}`);
    },
  },
  'io-bad-offset': {
    on: 'own',
    spec: { fault: 'bad-offset' },
    looseEnds: ['->', '<-'],
    async run(c) {
      const disk = await loginDisk(c);
      await disk.readCapacity();
      // 512 KiB: more than one Data-In (MaxRecvDataSegmentLength is 256 KiB), so the second is wrong.
      c.say(`read: ${await disk.read(0, 0, 1024).then(() => 'ok', why)}`);
      c.say(`sessions left: ${sessionsLeft(c)}`);
    },
  },
  'close-with-sessions-open': {
    on: 'own',
    async run(c) {
      await c.login();
      await c.login();
      await c.adapter.close();
      c.say(`closed; resources ${JSON.stringify(c.adapter.resources())}`);
    },
  },
  'tgtd-login-logout': { on: 'tgtd', run: (c) => loginLogout(c) },
  'tgtd-login-chap': { on: 'tgtd', spec: { chap: CHAP }, run: (c) => loginLogout(c, {}, { method: 'chap', ...CHAP }) },
  'tgtd-discovery': { on: 'tgtd', run: (c) => discover(c, false) },
  'tgtd-io-write-read': { on: 'tgtd', run: (c) => writeRead(c, 1) },
  'tgtd-logout-two-sessions': { on: 'tgtd', run: twoSessions },
  'istgt-login-logout': { on: 'istgt', run: (c) => loginLogout(c) },
  'istgt-discovery': { on: 'istgt', run: (c) => discover(c, false) },
  'istgt-io-write-read': { on: 'istgt', run: (c) => writeRead(c, 0) },
};
