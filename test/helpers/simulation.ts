// A seeded simulation over the Wasm core alone: logins, logouts, target answers, faults, pings,
// async events, cancels and timers, chosen by a PRNG. Returns the SHA-256 of every action the
// core produced (bytes included), so runs can be compared across runtimes.
import { createHash } from 'node:crypto';
import { type Action, Driver, find, ittOf, targetPdu } from './driver.ts';
import { rng } from './core.ts';

export function simulate(seed: number, steps = 400): { hash: string; actions: number; unfinished: number } {
  const d = new Driver();
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const targets = [d.target(), d.target()];
  const armed = new Set<number>();
  const loggedIn = new Set<number>();
  const awaiting = new Map<number, number>(); // conn -> ITT of our Logout
  const ops: number[] = [];
  // Each connection has its own StatSN, as a target keeps it; a Logout Response must carry the next one.
  const sn = new Map<number, number>();
  const take = (c: number) => {
    const v = sn.get(c) ?? 10;
    sn.set(c, v + 1);
    return v;
  };
  const track = (acts: Action[]) => {
    for (const a of acts) {
      if (a.kind === 'arm') armed.add(a.timer);
      if (a.kind === 'cancel') armed.delete(a.timer);
      if (a.kind === 'close') {
        loggedIn.delete(a.conn);
        awaiting.delete(a.conn);
      }
      if (a.kind === 'logged-in') loggedIn.add(a.conn);
      if (a.kind === 'send' && a.bytes[0] === 0x46) awaiting.set(a.conn, ittOf(a.bytes));
    }
    return acts;
  };
  for (let i = 0; i < steps; i++) {
    const x = r();
    if (x < 0.25 && loggedIn.size < 24) {
      const { op, acts } = d.login(pick(targets));
      track(acts);
      ops.push(op);
      const c = find(acts, 'connect')!.conn;
      if (r() < 0.1) {
        track(d.lost(c, 1));
        continue;
      }
      sn.set(c, 10);
      const sec = find(track(d.up(c)), 'send')!.bytes;
      const next = track(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(sec), statsn: take(c) }, 'AuthMethod=None\0')));
      const opReq = find(next, 'send')!.bytes;
      const bad = r() < 0.1;
      track(
        d.data(
          c,
          targetPdu(
            0x23,
            bad ? 0x00 : 0x87,
            { itt: ittOf(opReq), statsn: take(c), tsih: i + 1, status: bad ? 0x0201 : 0 },
            'HeaderDigest=None\0',
          ),
        ),
      );
    } else if (x < 0.35) {
      const { op, acts } = d.logout(pick(targets), {
        conc: 1 + Math.floor(r() * 4),
        timeout: 1000 + Math.floor(r() * 1000),
      });
      track(acts);
      ops.push(op);
    } else if (x < 0.6 && awaiting.size) {
      const c = pick([...awaiting.keys()]);
      const y = r();
      if (y < 0.6) {
        track(d.data(c, targetPdu(0x26, 0x80, { itt: awaiting.get(c)!, statsn: take(c) })));
        if (r() < 0.5) track(d.lost(c, 0));
      } else if (y < 0.8) {
        track(
          d.data(
            c,
            targetPdu(0x26, 0x80, {
              itt: awaiting.get(c)!,
              statsn: take(c),
              byte2: 1 + Math.floor(r() * 3),
              w40: 0x00020014,
            }),
          ),
        );
      } else track(d.lost(c, 0));
    } else if (x < 0.7 && loggedIn.size) {
      const c = pick([...loggedIn]);
      track(
        d.data(c, targetPdu(0x32, 0x80, { statsn: take(c), w36: (1 + Math.floor(r() * 4)) << 24, w38: 1, w40: 3 })),
      );
    } else if (x < 0.8 && loggedIn.size) {
      const c = pick([...loggedIn]);
      track(d.data(c, targetPdu(0x20, 0x80, { ttt: 0x100 + i, statsn: sn.get(c) ?? 10 })));
    } else if (x < 0.85 && ops.length) {
      track(d.cancel(pick(ops)));
    } else if (armed.size) {
      const id = pick([...armed]);
      armed.delete(id);
      track(d.timer(id));
    }
  }
  // Then let time run out: every timer fires, and every operation must have ended (never hanging).
  for (let guard = 0; armed.size && guard < 10000; guard++) {
    const id = [...armed][0];
    armed.delete(id);
    track(d.timer(id));
  }
  const done = new Set(d.log.flatMap((a) => (a.kind === 'op-done' ? [a.op] : [])));
  const unfinished = ops.filter((o) => o >= 0 && !done.has(o)).length;
  const log = JSON.stringify(d.log, (_k, v) => (v instanceof Uint8Array ? [...v] : v));
  return { hash: createHash('sha256').update(log).digest('hex'), actions: d.log.length, unfinished };
}
