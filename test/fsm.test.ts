// RFC 7143 §8 transitions, driven through the Wasm core with no sockets or clock (sans-I/O).
import { describe, expect, it } from 'vitest';
import { all, Driver, find, ittOf, kinds, targetPdu } from './helpers/driver.ts';
import { CODE, HR } from '../hosts/codes.ts';

const A = CODE;
const text = (b: Uint8Array) => new TextDecoder().decode(b.subarray(48));

describe('connection state machine (initiator side)', () => {
  it('T1 S1->S2 on login, T4 S2->S4 on transport up, T5 S4->S5 on the final Login Response', () => {
    const d = new Driver();
    const t = d.target();
    const { op, acts } = d.login(t);
    expect(kinds(acts)).toEqual(['connect', 'arm']);
    const c = find(acts, 'connect')!.conn;
    const s = find(acts, 'connect')!.session;
    expect(d.connState(c)).toBe(A.S2_XPT_WAIT); // T1
    const sent = d.up(c);
    expect(d.connState(c)).toBe(A.S4_IN_LOGIN); // T4
    const login = find(sent, 'send')!.bytes;
    expect(login[0]).toBe(0x43);
    expect(login[1]).toBe(0x81); // T=1, CSG 0 -> NSG 1
    expect(text(login)).toContain('AuthMethod=None');
    const opReq = find(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(login) }, 'AuthMethod=None\0')), 'send')!.bytes;
    expect(opReq[1]).toBe(0x87); // T=1, CSG 1 -> NSG 3
    const fin = d.data(c, targetPdu(0x23, 0x87, { itt: ittOf(opReq), statsn: 2, tsih: 5 }, 'HeaderDigest=None\0'));
    expect(d.connState(c)).toBe(A.S5_LOGGED_IN); // T5
    expect(find(fin, 'logged-in')).toMatchObject({ op, session: s, tsih: 5, conn: c });
    expect(find(fin, 'op-done')).toMatchObject({ op, hr: HR.S_OK });
    expect(d.c.core.sessionState(s)).toBe(A.Q3_LOGGED_IN); // N1
  });

  it('T2 S2->S1: the transport fails while connecting', () => {
    const d = new Driver();
    const { op, acts } = d.login(d.target());
    const c = find(acts, 'connect')!.conn;
    const out = d.lost(c, 1);
    expect(d.connState(c)).toBe(0);
    expect(find(out, 'login-status')!.reason).toBe(A.L_CONNECT_FAILED);
    expect(find(out, 'op-done')).toMatchObject({ op, hr: HR.VDS_E_ISCSI_LOGIN_FAILED });
    expect(kinds(out)).toContain('close');
  });

  it('T7 S4->S1: a final Login Response with a non-zero class', () => {
    const d = new Driver();
    const { op, acts } = d.login(d.target());
    const c = find(acts, 'connect')!.conn;
    const req = find(d.up(c), 'send')!.bytes;
    const out = d.data(c, targetPdu(0x23, 0x00, { itt: ittOf(req), status: 0x0202 }));
    expect(d.connState(c)).toBe(0);
    expect(find(out, 'login-status')).toMatchObject({ op, status: 0x0202, reason: A.L_AUTHZ_FAILED });
  });

  it('T2 by the clock: the connect timer ends S2 with timeout', () => {
    const d = new Driver();
    const { acts } = d.login(d.target());
    const c = find(acts, 'connect')!.conn;
    const t = d.timer(find(acts, 'arm')!.timer);
    expect(find(t, 'login-status')!.reason).toBe(A.L_TIMEOUT);
    expect(d.connState(c)).toBe(0);
  });

  it('T9 S5->S6 sends the Immediate Logout; T13 S6->S1 on Response 0 ends the session, the socket closed at FIN', () => {
    const d = new Driver();
    const t = d.target();
    const { c, s } = d.loggedIn(t);
    const { op, acts } = d.logout(t);
    const lo = find(acts, 'send')!.bytes;
    expect([...lo.subarray(0, 2)]).toEqual([0x46, 0x80]);
    expect(d.connState(c)).toBe(A.S6_IN_LOGOUT); // T9
    const resp = d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(lo), statsn: 3 }));
    expect(d.connState(c)).toBe(A.S1_FREE); // T13, lingering for the target's FIN
    // The session is logged out and the operation done at the response; the socket is not closed yet.
    expect(find(resp, 'session-result')).toMatchObject({ op, session: s, reason: A.R_LOGGED_OUT, hr: HR.S_OK });
    expect(find(resp, 'op-done')).toMatchObject({ op, hr: HR.S_OK });
    expect(find(resp, 'arm')).toMatchObject({ timer: (CODE.TIMER_CONN << 16) | c, ms: 1000 }); // its grace
    expect(find(resp, 'close')).toBeUndefined();
    const end = d.lost(c, 0);
    expect(kinds(end)).toEqual(['cancel', 'close']);
    expect(d.connState(c)).toBe(0);
  });

  it('T13: a target that never sends FIN is closed when the grace runs out', () => {
    const d = new Driver();
    const t = d.target();
    const { c } = d.loggedIn(t);
    const { acts } = d.logout(t, { grace: 250 });
    d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(find(acts, 'send')!.bytes), statsn: 3 }));
    expect(d.connState(c)).toBe(A.S1_FREE);
    expect(kinds(d.timer((CODE.TIMER_CONN << 16) | c))).toEqual(['close']);
    expect(d.connState(c)).toBe(0);
  });

  it('T13: bytes from the target after its Logout Response close the lingering socket at once', () => {
    const d = new Driver();
    const t = d.target();
    const { c } = d.loggedIn(t);
    const { acts } = d.logout(t);
    d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(find(acts, 'send')!.bytes), statsn: 3 }));
    const late = d.data(c, targetPdu(0x20, 0x80, { ttt: 0xffffffff, statsn: 4 }));
    expect(kinds(late)).toEqual(['cancel', 'close']);
    expect(d.connState(c)).toBe(0);
  });

  it('T13: a login that finds every connection record taken closes a lingering one early', () => {
    const d = new Driver({ maxSessions: 1 });
    const t = d.target();
    const lingering: number[] = [];
    // One session at a time, logged out without a FIN: 17 sockets linger (the pool is sessions + 16).
    for (let i = 0; i < 17; i++) {
      const { c } = d.loggedIn(t);
      const { acts } = d.logout(t, { grace: 600_000, conc: 1 });
      d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(find(acts, 'send')!.bytes), statsn: 3 }));
      lingering.push(c);
    }
    expect(lingering.every((c) => d.connState(c) === A.S1_FREE)).toBe(true);
    const { acts } = d.login(t);
    expect(find(acts, 'close')).toMatchObject({ conn: lingering[0] });
    expect(find(acts, 'connect')).toMatchObject({ conn: lingering[0] });
  });

  it('T17 S6->S8: Response 3 ends that session with its Time2Wait and Time2Retain', () => {
    const d = new Driver();
    const t = d.target();
    const one = d.loggedIn(t);
    d.loggedIn(t);
    const { acts } = d.logout(t);
    const r3 = d.data(
      one.c,
      targetPdu(0x26, 0x80, { itt: ittOf(all(acts, 'send')[0].bytes), statsn: 3, byte2: 3, w40: 0x00020014 }),
    );
    expect(find(r3, 'session-result')).toMatchObject({
      session: one.s,
      reason: A.R_RESPONSE_3_CLEANUP_FAILED,
      hr: HR.VDS_E_ISCSI_LOGOUT_FAILED,
      time2Wait: 2,
      time2Retain: 20,
    });
    expect(kinds(r3)).toContain('close');
  });

  it('T17 by the clock: the logout timer ends a session that never answered', () => {
    const d = new Driver();
    const t = d.target();
    const one = d.loggedIn(t);
    const { op, acts } = d.logout(t);
    const to = d.timer(find(acts, 'arm')!.timer);
    expect(find(to, 'session-result')).toMatchObject({ session: one.s, reason: A.R_TIMEOUT });
    expect(find(to, 'op-done')).toMatchObject({ op, hr: HR.VDS_E_ISCSI_LOGOUT_FAILED });
    expect(d.connState(one.c)).toBe(0);
  });

  it('T11 S5->S7 then T10 S7->S6 on AsyncEvent 1, and nothing answered after the Logout', () => {
    const d = new Driver();
    const one = d.loggedIn(d.target());
    const a1 = d.data(one.c, targetPdu(0x32, 0x80, { statsn: 3, w36: 0x01000000, w40: 5 }));
    expect(find(a1, 'event')).toMatchObject({ event: A.EV_ASYNC_LOGOUT_REQUEST, p1: 0, p2: 0, p3: 5 });
    expect(find(a1, 'send')!.bytes[0]).toBe(0x46);
    expect(d.connState(one.c)).toBe(A.S6_IN_LOGOUT);
    const nop = d.data(one.c, targetPdu(0x20, 0x80, { ttt: 0x77, statsn: 4 }));
    expect(find(nop, 'send')).toBeUndefined(); // nothing after our Logout
  });

  it('T15 S5->S8 on AsyncEvent 3, with no Logout sent', () => {
    const d = new Driver();
    const two = d.loggedIn(d.target());
    const a3 = d.data(two.c, targetPdu(0x32, 0x80, { statsn: 3, w36: 0x03000000 }));
    expect(all(a3, 'send')).toEqual([]);
    expect(find(a3, 'event')!.event).toBe(A.EV_ASYNC_DROP_ALL);
    expect(d.connState(two.c)).toBe(0);
  });

  it('a NOP-In ping in S5 is answered, with StatSN at the 32-bit wrap', () => {
    const d = new Driver();
    const { c } = d.loggedIn(d.target());
    const out = d.data(c, targetPdu(0x20, 0x80, { ttt: 0xabc, statsn: 0xffffffff }));
    const nop = find(out, 'send')!.bytes;
    expect(nop[0]).toBe(0x40);
    expect(new DataView(nop.buffer, nop.byteOffset).getUint32(20)).toBe(0xabc);
  });

  for (const form of ['0x000102030405060708090a0b0c0d0e0f', '0bAAECAwQFBgcICQoLDA0ODw==']) {
    it(`CHAP_C as ${form.slice(0, 2)} (RFC 7143 §6.1) reaches the host as the challenge bytes`, () => {
      const d = new Driver();
      const { acts } = d.login(d.target(), 0, A.AUTH_CHAP);
      const c = find(acts, 'connect')!.conn;
      const first = find(d.up(c), 'send')!.bytes;
      expect(text(first)).toContain('AuthMethod=CHAP\0');
      expect(text(first)).not.toContain('None'); // CHAP is all we offer
      const algs = find(d.data(c, targetPdu(0x23, 0x01, { itt: ittOf(first) }, 'AuthMethod=CHAP\0')), 'send')!.bytes;
      expect(text(algs)).toContain('CHAP_A=5\0');
      const ask = d.data(c, targetPdu(0x23, 0x01, { itt: ittOf(algs) }, `CHAP_A=5\0CHAP_I=7\0CHAP_C=${form}\0`));
      const chap = find(ask, 'chap-answer')!;
      expect([chap.algorithm, chap.identifier]).toEqual([5, 7]);
      expect([...chap.bytes]).toEqual(Array.from({ length: 16 }, (_, i) => i));
    });
  }

  it('the same calls give the same actions, byte for byte, on two instances', () => {
    const run = () => {
      const d = new Driver();
      const t = d.target();
      const { c } = d.loggedIn(t);
      d.loggedIn(t);
      const { acts } = d.logout(t, { conc: 1 });
      d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(find(acts, 'send')!.bytes) }));
      d.lost(c, 0);
      return JSON.stringify(d.log, (_k, v) => (v instanceof Uint8Array ? [...v] : v));
    };
    expect(run()).toBe(run());
  });
});
