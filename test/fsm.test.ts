// RFC 7143 §8 transitions, driven through the Wasm core with no sockets or clock (sans-I/O).
import { describe, it, expect } from 'vitest';
import { Driver, find, kinds, targetPdu, ittOf } from './helpers/driver.ts';
import { CODE, HR } from '../hosts/codes.ts';

const A = CODE;
const text = (b: number[]) => new TextDecoder().decode(Uint8Array.from(b.slice(48)));

/** T1, T4 and T5: a session in Full Feature Phase; returns its connection. */
function loggedIn(d: Driver, t: number): { c: number; s: number } {
  const { acts } = d.login(t);
  const c = find(acts, A.ACT_CONNECT)!.a[0];
  const sec = find(d.up(c), A.ACT_SEND)!.bytes!;
  const op1 = find(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(sec), statsn: 1 }, 'AuthMethod=None\0')), A.ACT_SEND)!.bytes!;
  const done = d.data(c, targetPdu(0x23, 0x87, { itt: ittOf(op1), statsn: 2, tsih: 9 }, 'HeaderDigest=None\0DataDigest=None\0'));
  const s = find(done, A.ACT_LOGGED_IN)!.a[1];
  return { c, s };
}

describe('connection state machine (initiator side)', () => {
  it('T1 S1->S2 on login, T4 S2->S4 on transport up, T5 S4->S5 on the final Login Response', () => {
    const d = new Driver();
    const t = d.target();
    const { op, acts } = d.login(t);
    expect(kinds(acts)).toEqual([A.ACT_CONNECT, A.ACT_ARM]);
    const c = acts[0].a[0];
    expect(d.connState(c)).toBe(A.S2_XPT_WAIT);                              // T1
    const sent = d.up(c);
    expect(d.connState(c)).toBe(A.S4_IN_LOGIN);                              // T4
    const login = find(sent, A.ACT_SEND)!.bytes!;
    expect(login[0]).toBe(0x43);
    expect(login[1]).toBe(0x81);                                             // T=1, CSG 0 -> NSG 1
    expect(text(login)).toContain('AuthMethod=None');
    const opReq = find(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(login) }, 'AuthMethod=None\0')), A.ACT_SEND)!.bytes!;
    expect(opReq[1]).toBe(0x87);                                             // T=1, CSG 1 -> NSG 3
    const fin = d.data(c, targetPdu(0x23, 0x87, { itt: ittOf(opReq), statsn: 2, tsih: 5 }, 'HeaderDigest=None\0'));
    expect(d.connState(c)).toBe(A.S5_LOGGED_IN);                             // T5
    expect(find(fin, A.ACT_LOGGED_IN)!.a.slice(0, 3)).toEqual([op, find(fin, A.ACT_LOGGED_IN)!.a[1], 5]);
    expect(find(fin, A.ACT_OP_DONE)!.a.slice(0, 2)).toEqual([op, HR.S_OK]);
    expect(d.c.core.sessionState(find(fin, A.ACT_LOGGED_IN)!.a[1])).toBe(A.Q3_LOGGED_IN); // N1
  });

  it('T2 S2->S1: the transport fails while connecting', () => {
    const d = new Driver();
    const { op, acts } = d.login(d.target());
    const c = acts[0].a[0];
    const out = d.lost(c, 1);
    expect(d.connState(c)).toBe(0);
    expect(find(out, A.ACT_LOGIN_STATUS)!.a[2]).toBe(A.L_CONNECT_FAILED);
    expect(find(out, A.ACT_OP_DONE)!.a.slice(0, 2)).toEqual([op, HR.VDS_E_ISCSI_LOGIN_FAILED]);
    expect(kinds(out)).toContain(A.ACT_CLOSE);
  });

  it('T7 S4->S1: a final Login Response with a non-zero class; the connect timer also ends S2', () => {
    const d = new Driver();
    const { op, acts } = d.login(d.target());
    const c = acts[0].a[0];
    const req = find(d.up(c), A.ACT_SEND)!.bytes!;
    const out = d.data(c, targetPdu(0x23, 0x00, { itt: ittOf(req), status: 0x0202 }));
    expect(d.connState(c)).toBe(0);
    expect(find(out, A.ACT_LOGIN_STATUS)!.a.slice(0, 3)).toEqual([op, 0x0202, A.L_AUTHZ_FAILED]);
    const second = d.login(d.target());
    const c2 = second.acts[0].a[0];
    const timerId = find(second.acts, A.ACT_ARM)!.a[0];
    const t = d.timer(timerId);
    expect(find(t, A.ACT_LOGIN_STATUS)!.a[2]).toBe(A.L_CONNECT_FAILED);
    expect(d.connState(c2)).toBe(0);
  });

  it('T9 S5->S6 sends the Immediate Logout; T13 S6->S1 on Response 0, closed at FIN', () => {
    const d = new Driver();
    const t = d.target();
    const { c } = loggedIn(d, t);
    const { op, acts } = d.logout(t);
    const lo = find(acts, A.ACT_SEND)!.bytes!;
    expect(lo.slice(0, 2)).toEqual([0x46, 0x80]);
    expect(d.connState(c)).toBe(A.S6_IN_LOGOUT);                             // T9
    const resp = d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(lo), statsn: 3 }));
    expect(d.connState(c)).toBe(A.S1_FREE);                                  // T13, waiting for FIN
    expect(kinds(resp)).toEqual([A.ACT_ARM]);                                // the same timer re-armed as the grace
    const end = d.lost(c, 0);
    expect(find(end, A.ACT_SESSION_RESULT)!.a.slice(0, 4)).toEqual([op, find(end, A.ACT_SESSION_RESULT)!.a[1], A.R_LOGGED_OUT, HR.S_OK]);
    expect(find(end, A.ACT_OP_DONE)!.a.slice(0, 2)).toEqual([op, HR.S_OK]);
    expect(d.connState(c)).toBe(0);
  });

  it('T17 S6->S8: Response 3, and the logout timer', () => {
    const d = new Driver();
    const t = d.target();
    const one = loggedIn(d, t), two = loggedIn(d, t);
    const { op, acts } = d.logout(t);
    const sends = acts.filter((x) => x.kind === A.ACT_SEND);
    const arms = acts.filter((x) => x.kind === A.ACT_ARM);
    const r3 = d.data(one.c, targetPdu(0x26, 0x80, { itt: ittOf(sends[0].bytes!), byte2: 3, w40: 0x00020014 }));
    expect(find(r3, A.ACT_SESSION_RESULT)!.a.slice(2, 6)).toEqual([A.R_RESPONSE_3_CLEANUP_FAILED, HR.VDS_E_ISCSI_LOGOUT_FAILED, 2, 20]);
    expect(kinds(r3)).toContain(A.ACT_CLOSE);
    const to = d.timer(arms[1].a[0]);
    expect(find(to, A.ACT_SESSION_RESULT)!.a[2]).toBe(A.R_TIMEOUT);
    expect(find(to, A.ACT_OP_DONE)!.a.slice(0, 2)).toEqual([op, HR.VDS_E_ISCSI_LOGOUT_FAILED]);
    expect(d.connState(two.c)).toBe(0);
  });

  it('T11 S5->S7 then T10 S7->S6 on AsyncEvent 1; T15 S5->S8 on AsyncEvent 3 with no Logout', () => {
    const d = new Driver();
    const t = d.target();
    const one = loggedIn(d, t), two = loggedIn(d, t);
    const a1 = d.data(one.c, targetPdu(0x32, 0x80, { statsn: 3, w36: 0x01000000, w40: 5 }));
    expect(find(a1, A.ACT_EVENT)!.a.slice(1, 5)).toEqual([A.EV_ASYNC_LOGOUT_REQUEST, 0, 0, 5]);
    expect(find(a1, A.ACT_SEND)!.bytes![0]).toBe(0x46);
    expect(d.connState(one.c)).toBe(A.S6_IN_LOGOUT);
    const nop = d.data(one.c, targetPdu(0x20, 0x80, { ttt: 0x77, statsn: 4 }));
    expect(find(nop, A.ACT_SEND)).toBeUndefined();                          // nothing after our Logout
    const a3 = d.data(two.c, targetPdu(0x32, 0x80, { statsn: 3, w36: 0x03000000 }));
    expect(kinds(a3).filter((k) => k === A.ACT_SEND)).toEqual([]);
    expect(find(a3, A.ACT_EVENT)!.a[1]).toBe(A.EV_ASYNC_DROP_ALL);
    expect(d.connState(two.c)).toBe(0);
  });

  it('a NOP-In ping in S5 is answered, with StatSN at the 32-bit wrap', () => {
    const d = new Driver();
    const { c } = loggedIn(d, d.target());
    const out = d.data(c, targetPdu(0x20, 0x80, { ttt: 0xabc, statsn: 0xffffffff }));
    const nop = find(out, A.ACT_SEND)!.bytes!;
    expect(nop[0]).toBe(0x40);
    expect(new DataView(Uint8Array.from(nop).buffer).getUint32(20)).toBe(0xabc);
  });

  it('CHAP_C in hex and in base64 (RFC 7143 §6.1) reach the host as the same challenge bytes', () => {
    for (const form of ['0x000102030405060708090a0b0c0d0e0f', '0bAAECAwQFBgcICQoLDA0ODw==']) {
      const d = new Driver();
      const { acts } = d.login(d.target(), 0, A.AUTH_CHAP);
      const c = find(acts, A.ACT_CONNECT)!.a[0];
      const first = find(d.up(c), A.ACT_SEND)!.bytes!;
      expect(text(first)).toContain('AuthMethod=CHAP\0');
      expect(text(first)).not.toContain('None');                          // CHAP is all we offer
      const algs = find(d.data(c, targetPdu(0x23, 0x01, { itt: ittOf(first) }, 'AuthMethod=CHAP\0')), A.ACT_SEND)!.bytes!;
      expect(text(algs)).toContain('CHAP_A=5\0');
      const ask = d.data(c, targetPdu(0x23, 0x01, { itt: ittOf(algs) }, `CHAP_A=5\0CHAP_I=7\0CHAP_C=${form}\0`));
      const chap = find(ask, A.ACT_CHAP_ANSWER)!;
      expect(chap.a.slice(1, 3)).toEqual([5, 7]);
      expect(chap.bytes).toEqual(Array.from({ length: 16 }, (_, i) => i));
    }
  });

  it('the same calls give the same actions, byte for byte, on two instances', () => {
    const run = () => {
      const d = new Driver();
      const t = d.target();
      const { c } = loggedIn(d, t);
      loggedIn(d, t);
      const { acts } = d.logout(t, { conc: 1 });
      d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(find(acts, A.ACT_SEND)!.bytes!) }));
      d.lost(c, 0);
      return JSON.stringify(d.log);
    };
    expect(run()).toBe(run());
  });
});
