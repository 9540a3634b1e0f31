// A seeded simulation over the Wasm core alone: logins, logouts with commands in flight, SCSI
// commands and their answers, target answers in split chunks, faults (resets, corrupted PDUs),
// pings, async events, cancels and timers, chosen by a PRNG. After every step the invariants of
// test/helpers/invariants.ts must hold; once time has run out nothing may be left. Returns the
// SHA-256 of every action (bytes included), so runs can be compared across runtimes.
import { createHash } from 'node:crypto';
import { type Action, Driver, find, ittOf, targetPdu } from './driver.ts';
import { rng } from './core.ts';
import { Invariants } from './invariants.ts';
import { CODE } from '../../hosts/codes.ts';
import * as cdb from '../../hosts/scsi/cdb.ts';

export interface SimResult {
  hash: string;
  actions: number;
  unfinished: number;
  violations: string[];
}

// A copy of `pdu` carrying `data` as its data segment.
function withData(pdu: Uint8Array, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(48 + ((data.length + 3) & ~3));
  out.set(pdu.subarray(0, 48));
  new DataView(out.buffer).setUint32(4, data.length);
  out.set(data, 48);
  return out;
}

export function simulate(seed: number, steps = 400): SimResult {
  const d = new Driver();
  const r = rng(seed);
  let step = 0;
  const inv = new Invariants(() => step);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const targets = [d.target(), d.target()];
  const armed = new Set<number>();
  const loggedIn = new Map<number, number>(); // conn -> session
  const awaiting = new Map<number, number>(); // conn -> ITT of our Logout
  const commands = new Map<number, Uint8Array[]>(); // conn -> headers of SCSI commands on the wire
  const tmfs = new Map<number, number[]>(); // conn -> ITTs of task management requests on the wire
  const reinstating = new Map<number, number>(); // conn -> recovering session whose new login it carries
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
      // A connect with no operation behind it is a recovering session's new login.
      if (a.kind === 'connect' && a.op === 0xffffffff) reinstating.set(a.conn, a.session);
      if (a.kind === 'event' && a.event === CODE.EV_SESSION_RECOVERED) {
        for (const [c, s] of reinstating) if (s === a.session) [loggedIn.set(c, s), reinstating.delete(c)];
      }
      const forget = (c: number) => {
        reinstating.delete(c);
        loggedIn.delete(c);
        awaiting.delete(c);
        commands.delete(c);
        tmfs.delete(c);
      };
      if (a.kind === 'close') forget(a.conn);
      // A logged-out session's connection lingers for the target's FIN, no one's any more: its
      // session slot may carry a new session before it closes.
      if (a.kind === 'session-gone') {
        for (const c of [...awaiting.keys(), ...loggedIn.keys()]) if (inv.sessionOf(c) === a.session) forget(c);
      }
      if (a.kind === 'logged-in') loggedIn.set(a.conn, a.session);
      if (a.kind === 'send' && a.bytes[0] === 0x46) awaiting.set(a.conn, ittOf(a.bytes));
      if ((a.kind === 'send' || a.kind === 'send-data') && (a.bytes[0] & 0x3f) === 0x01) {
        commands.set(a.conn, [...(commands.get(a.conn) ?? []), a.bytes.slice(0, 48)]);
      }
      if (a.kind === 'send' && (a.bytes[0] & 0x3f) === 0x02) {
        tmfs.set(a.conn, [...(tmfs.get(a.conn) ?? []), ittOf(a.bytes)]);
      }
    }
    inv.see(acts);
    return acts;
  };
  // A target PDU, fed whole or split at a random point into two data() calls.
  const feed = (c: number, pdu: Uint8Array) => {
    if (r() < 0.3 && pdu.length > 1) {
      const cut = 1 + Math.floor(r() * (pdu.length - 1));
      track(d.data(c, pdu.subarray(0, cut)));
      if (d.connState(c) !== 0) track(d.data(c, pdu.subarray(cut)));
    } else track(d.data(c, pdu));
  };
  for (step = 0; step < steps; step++) {
    const x = r();
    if (x < 0.2 && loggedIn.size < 24) {
      const t = pick(targets);
      // The login's operation is open from its first call: its end may come in any later one.
      const started = (acts: Action[]) => {
        const connect = find(acts, 'connect');
        if (connect) {
          inv.opStarted(connect.op, false);
          ops.push(connect.op);
        }
        return track(acts);
      };
      if (r() < 0.1) {
        const c = find(started(d.login(t).acts), 'connect')!.conn;
        track(d.lost(c, 1)); // the connect failed
        continue;
      }
      // Refused at the last step, or logged in; each connection's StatSN starts at 10.
      const status = r() < 0.1 ? 0x0201 : 0;
      // Some sessions recover when their connection fails: their reinstatement logins are never
      // answered here, so they give up after three attempts or the replacement time.
      const recovery = r() < 0.3
        ? { replaceMs: 5000, minMs: 100, maxMs: 400, attempts: 3, portals: ['192.0.2.1:3260', '192.0.2.2:3260'] }
        : undefined;
      const { c, statSN } = d.loggedIn(
        t,
        { statSN: 10, tsih: step + 1, status, recovery },
        (_call, acts) => started(acts),
      );
      sn.set(c, statSN);
    } else if (x < 0.3) {
      const before = new Set(ops);
      const { op, acts } = d.logout(pick(targets), {
        conc: 1 + Math.floor(r() * 4),
        timeout: 1000 + Math.floor(r() * 1000),
        policy: Math.floor(r() * 3),
      });
      inv.opStarted(op, before.has(op) && acts.some((a) => a.kind === 'joined'));
      track(acts);
      ops.push(op);
    } else if (x < 0.4 && loggedIn.size) {
      const [, s] = pick([...loggedIn]);
      // A TEST UNIT READY, or a 512 KiB write: its R2Ts may ask for a burst beyond MaxBurstLength.
      const write = r() < 0.3;
      const { t, acts } = d.command(s, write ? cdb.write(0n, 1024, 512) : cdb.testUnitReady(), {
        timeout: r() < 0.5 ? 500 : 0,
        replay: r() < 0.5,
      });
      inv.taskStarted(t);
      track(acts);
    } else if (x < 0.5 && commands.size) {
      const c = pick([...commands.keys()]);
      const cmds = commands.get(c)!;
      const cmd = cmds.splice(Math.floor(r() * cmds.length), 1)[0];
      if (!cmds.length) commands.delete(c);
      const itt = ittOf(cmd), y = r();
      if (y < 0.15) {
        // Rejected (RFC 7143 §11.17): the data segment is the command's header; nothing more comes.
        const rej = targetPdu(0x3f, 0x80, { statsn: take(c), byte2: pick([0x04, 0x05, 0x09]) });
        feed(c, withData(rej, cmd));
      } else if (y < 0.3 && (cmd[1] & 0x20)) {
        // An R2T for the write: within MaxBurstLength (262144 here) or beyond it.
        const r2t = targetPdu(0x31, 0x80, { itt, ttt: 0x500 + step, statsn: sn.get(c) ?? 10, w36: 0, w40: 0 });
        new DataView(r2t.buffer).setUint32(44, r() < 0.5 ? 262144 : 300000);
        feed(c, r2t);
        cmds.push(cmd);
        commands.set(c, cmds);
      } else {
        const rsp = targetPdu(0x21, 0x80, { itt, statsn: take(c) });
        if (r() < 0.1) rsp[3] = 0x08; // BUSY: a status other than GOOD still ends the command once
        if (r() < 0.2) {
          // Reserved bits and bytes set (the LUN echoed): a receiver ignores them.
          rsp[1] |= 0x61;
          rsp.set(cmd.subarray(8, 16), 8);
        }
        feed(c, rsp);
      }
    } else if (x < 0.52 && reinstating.size) {
      // A recovering session's new login: the connect fails, the login is refused, or it succeeds
      // (TSIH 0 answered with a new one) and the session's unanswered commands go again.
      const [c] = pick([...reinstating]);
      if (r() < 0.2) {
        track(d.lost(c, 1));
        continue;
      }
      sn.set(c, 10);
      const sec = find(track(d.up(c)), 'send')?.bytes;
      if (!sec) continue;
      const next = track(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(sec), statsn: take(c) }, 'AuthMethod=None\0')));
      const opReq = find(next, 'send')?.bytes;
      if (!opReq) continue;
      const refused = r() < 0.2;
      feed(
        c,
        targetPdu(0x23, refused ? 0x00 : 0x87, {
          itt: ittOf(opReq),
          statsn: take(c),
          tsih: 1000 + step,
          status: refused ? 0x0301 : 0,
        }, 'HeaderDigest=None\0'),
      );
    } else if (x < 0.55 && tmfs.size) {
      // Task management answered: Function complete, rejected, not supported; or never (its timer).
      const c = pick([...tmfs.keys()]);
      const itts = tmfs.get(c)!;
      const itt = itts.splice(Math.floor(r() * itts.length), 1)[0];
      if (!itts.length) tmfs.delete(c);
      if (r() < 0.8) feed(c, targetPdu(0x22, 0x80, { itt, statsn: take(c), byte2: pick([0, 0, 1, 5, 255]) }));
    } else if (x < 0.65 && awaiting.size) {
      const c = pick([...awaiting.keys()]);
      const s = inv.sessionOf(c)!;
      const y = r();
      if (y < 0.5) {
        inv.expect(s, CODE.R_LOGGED_OUT);
        feed(c, targetPdu(0x26, 0x80, { itt: awaiting.get(c)!, statsn: take(c) }));
        if (r() < 0.5) track(d.lost(c, 0));
      } else if (y < 0.7) {
        const resp = 1 + Math.floor(r() * 3);
        inv.expect(
          s,
          [
            CODE.R_RESPONSE_1_CID_NOT_FOUND,
            CODE.R_RESPONSE_2_RECOVERY_UNSUPPORTED,
            CODE.R_RESPONSE_3_CLEANUP_FAILED,
          ][resp - 1],
        );
        feed(c, targetPdu(0x26, 0x80, { itt: awaiting.get(c)!, statsn: take(c), byte2: resp, w40: 0x00020014 }));
      } else if (y < 0.85) {
        const corrupt = targetPdu(0x26, 0x80, { itt: awaiting.get(c)!, statsn: take(c) });
        corrupt[1] = 0x00; // the F bit clear (a reserved byte set would be ignored, RFC 7143 §11)
        inv.expect(s, CODE.R_PROTOCOL_ERROR);
        feed(c, corrupt);
      } else {
        inv.expect(s, CODE.R_CONNECTION_LOST_BEFORE_RESPONSE);
        track(d.lost(c, 0));
      }
    } else if (x < 0.72 && loggedIn.size) {
      const [c] = pick([...loggedIn]);
      feed(c, targetPdu(0x32, 0x80, { statsn: take(c), w36: (1 + Math.floor(r() * 4)) << 24, w38: 1, w40: 3 }));
    } else if (x < 0.8 && loggedIn.size) {
      const [c] = pick([...loggedIn]);
      feed(c, targetPdu(0x20, 0x80, { ttt: 0x100 + step, statsn: sn.get(c) ?? 10 }));
    } else if (x < 0.85 && ops.length) {
      track(d.cancel(pick(ops)));
    } else if (armed.size) {
      const id = pick([...armed]);
      armed.delete(id);
      track(d.timer(id));
    }
  }
  // Then every session is logged out (answering nothing) and time runs out: every timer fires.
  // A logout that joins one still running takes that one's policy ('refuse' leaves busy
  // sessions in), so this is done until nothing is left, at most three times.
  for (let round = 0; round < 3; round++) {
    for (const t of targets) {
      const { op, acts } = d.logout(t, { timeout: 1000, policy: CODE.INFLIGHT_ABORT });
      inv.opStarted(op, acts.some((a) => a.kind === 'joined'));
      track(acts);
      ops.push(op);
    }
    for (let guard = 0; armed.size && guard < 100000; guard++) {
      const id = [...armed][0];
      armed.delete(id);
      track(d.timer(id));
    }
  }
  const cap = d.c.core.maxSessions();
  let conns = 0, sessions = 0;
  for (let i = 0; i < cap + 16; i++) if (d.connState(i) !== 0) conns++;
  for (let i = 0; i < cap; i++) if (d.c.core.sessionState(i) !== 0) sessions++;
  inv.finish({ conns, sessions, timers: armed.size });
  const done = new Set(d.log.flatMap((a) => (a.kind === 'op-done' ? [a.op] : [])));
  const unfinished = ops.filter((o) => o >= 0 && !done.has(o)).length;
  const log = JSON.stringify(d.log, (_k, v) => (v instanceof Uint8Array ? [...v] : v));
  return {
    hash: createHash('sha256').update(log).digest('hex'),
    actions: d.log.length,
    unfinished,
    violations: inv.violations,
  };
}
