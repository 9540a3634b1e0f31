// RFC 7143 rules a hostile or buggy target could use to make us misreport, checked through the
// core with the test's own clock (docs/login.md, docs/logout.md, docs/events.md).
import { describe, expect, it } from 'vitest';
import { all, Driver, DRIVER_ISID, find, ittOf, kinds, targetPdu } from './helpers/driver.ts';
import { CODE, HR } from '../hosts/codes.ts';
import * as cdb from '../hosts/scsi/cdb.ts';

const A = CODE;
const text = (b: Uint8Array) => new TextDecoder().decode(b.subarray(48));
type Pdu = Parameters<typeof targetPdu>[2];

/** Drives a login up to the operational request; returns the connection and that request. */
function toOperational(d: Driver, t: number, flags = 0) {
  const { op, acts } = d.login(t, flags);
  const c = find(acts, 'connect')!.conn;
  const sec = find(d.up(c), 'send')!.bytes;
  const opReq =
    find(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(sec), statsn: 1 }, 'AuthMethod=None\0')), 'send')!.bytes;
  return { op, c, opReq };
}
function finalResponse(
  d: Driver,
  c: number,
  opReq: Uint8Array,
  f: Pdu = {},
  keys = 'HeaderDigest=None\0DataDigest=None\0',
) {
  return d.data(c, targetPdu(0x23, 0x87, { itt: ittOf(opReq), statsn: 2, tsih: 9, ...f }, keys));
}
describe('the final Login Response', () => {
  it('a TSIH of zero fails the login (protocol-error)', () => {
    const d = new Driver();
    const { c, opReq } = toOperational(d, d.target());
    const out = finalResponse(d, c, opReq, { tsih: 0 });
    expect(find(out, 'login-status')!.reason).toBe(A.L_PROTOCOL_ERROR);
  });

  it('an ISID other than ours fails the login', () => {
    const d = new Driver();
    const { c, opReq } = toOperational(d, d.target());
    const out = finalResponse(d, c, opReq, { isid: [0x80, 7, 7, 7, 7, 8] });
    expect(find(out, 'login-status')!.reason).toBe(A.L_PROTOCOL_ERROR);
  });

  it('a version other than 0 fails the login', () => {
    const d = new Driver();
    const { c, opReq } = toOperational(d, d.target());
    const pdu = targetPdu(0x23, 0x87, { itt: ittOf(opReq), statsn: 2, tsih: 9 }, 'HeaderDigest=None\0');
    pdu[2] = 1; // Version-max
    expect(find(d.data(c, pdu), 'login-status')!.reason).toBe(A.L_PROTOCOL_ERROR);
  });

  it('a digest we did not offer (HeaderDigest=CRC32C after our None) is refused, not adopted', () => {
    const d = new Driver();
    const { c, opReq } = toOperational(d, d.target());
    expect(text(opReq)).toContain('HeaderDigest=None\0');
    const out = finalResponse(d, c, opReq, {}, 'HeaderDigest=CRC32C\0DataDigest=None\0');
    expect(find(out, 'login-status')!.reason).toBe(A.L_NEGOTIATION_FAILED);
  });

  it('DefaultTime2Wait=9999 is outside 0..3600 and fails the negotiation', () => {
    const d = new Driver();
    const { c, opReq } = toOperational(d, d.target());
    const out = finalResponse(d, c, opReq, {}, 'HeaderDigest=None\0DataDigest=None\0DefaultTime2Wait=9999\0');
    expect(find(out, 'login-status')!.reason).toBe(A.L_NEGOTIATION_FAILED);
  });

  it('our ISID is the one the driver gave as randomness', () => {
    const d = new Driver();
    const { opReq } = toOperational(d, d.target());
    expect([...opReq.subarray(8, 14)]).toEqual(DRIVER_ISID);
  });
});

describe('mutual CHAP', () => {
  it('a target challenge equal to ours is refused before we answer it', () => {
    const d = new Driver();
    const { acts } = d.login(d.target(), 0, A.AUTH_MUTUAL_CHAP);
    const c = find(acts, 'connect')!.conn;
    const first = find(d.up(c), 'send')!.bytes;
    const algs = find(d.data(c, targetPdu(0x23, 0x01, { itt: ittOf(first) }, 'AuthMethod=CHAP\0')), 'send')!.bytes;
    // The driver's randomness is all 7s: our challenge would be sixteen 0x07 bytes.
    const ours = '0x' + '07'.repeat(16);
    const out = d.data(c, targetPdu(0x23, 0x01, { itt: ittOf(algs) }, `CHAP_A=5\0CHAP_I=1\0CHAP_C=${ours}\0`));
    expect(find(out, 'chap-answer')).toBeUndefined();
    expect(find(out, 'login-status')!.reason).toBe(A.L_MUTUAL_AUTH_FAILED);
  });
});

describe('sequence numbers', () => {
  it('a Logout Response whose StatSN is not the one we expect is a protocol error', () => {
    const d = new Driver();
    const t = d.target();
    const { c, s } = d.loggedIn(t);
    const { acts } = d.logout(t, { timeout: 600_000 });
    const out = d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(find(acts, 'send')!.bytes), statsn: 7 }));
    expect(find(out, 'session-result')).toMatchObject({ session: s, reason: A.R_PROTOCOL_ERROR });
  });
});

describe('discovery and the command window', () => {
  function discoveryUpToFinal(d: Driver, max: number) {
    const { op, acts } = d.login(-1, A.LOGIN_DISCOVERY);
    const c = find(acts, 'connect')!.conn;
    const sec = find(d.up(c), 'send')!.bytes;
    const opReq =
      find(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(sec), statsn: 1 }, 'AuthMethod=None\0')), 'send')!.bytes;
    const fin = targetPdu(
      0x23,
      0x87,
      { itt: ittOf(opReq), statsn: 2, tsih: 9 },
      'HeaderDigest=None\0DataDigest=None\0',
    );
    new DataView(fin.buffer).setUint32(32, max); // ExpCmdSN is 1
    return { op, c, out: d.data(c, fin) };
  }

  it('the SendTargets request waits while the window is closed and goes out once a NOP-In opens it', () => {
    const d = new Driver();
    const { c, out } = discoveryUpToFinal(d, 0); // MaxCmdSN = ExpCmdSN - 1: closed
    expect(all(out, 'send')).toEqual([]);
    const nop = targetPdu(0x20, 0x80, { statsn: 3 });
    new DataView(nop.buffer).setUint32(32, 4); // opens it
    const sent = find(d.data(c, nop), 'send')!.bytes;
    expect(sent[0]).toBe(0x04);
    expect(text(sent)).toBe('SendTargets=All\0');
  });

  it('a window that never opens ends the discovery at its timer, with a Logout', () => {
    const d = new Driver();
    const { op, c, out } = discoveryUpToFinal(d, 0);
    const t = d.timer(find(out, 'arm')!.timer);
    expect(find(t, 'send')!.bytes[0]).toBe(0x46);
    expect(d.connState(c)).toBe(A.S6_IN_LOGOUT);
    const end = d.lost(c, 0);
    expect(find(end, 'op-done')).toMatchObject({ op, hr: HR.VDS_E_TIMEOUT });
  });

  it('ExpCmdSN and MaxCmdSN each move forward on their own (RFC 7143 §4.2.2.1)', () => {
    const d = new Driver();
    const { c, out } = discoveryUpToFinal(d, 0); // ExpCmdSN 1, MaxCmdSN 0: closed
    expect(all(out, 'send')).toEqual([]);
    const nop = targetPdu(0x20, 0x80, { statsn: 3 });
    new DataView(nop.buffer).setUint32(28, 0); // ExpCmdSN behind ours: ignored alone
    new DataView(nop.buffer).setUint32(32, 1); // MaxCmdSN ahead: taken, the window opens
    expect(text(find(d.data(c, nop), 'send')!.bytes)).toBe('SendTargets=All\0');
  });

  it('a discovery session waits only the short discovery grace for FIN after its Logout', () => {
    const d = new Driver();
    const { c, out } = discoveryUpToFinal(d, 8);
    const req = find(out, 'send')!.bytes;
    const rsp = d.data(c, targetPdu(0x24, 0x80, { itt: ittOf(req), statsn: 3 }, 'TargetName=iqn.x:y\0'));
    const lo = find(rsp, 'send')!.bytes;
    const grace = d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(lo), statsn: 4 }));
    expect(find(grace, 'arm')!.ms).toBe(A.DISCOVERY_GRACE_MS);
  });
});

describe('logout edge cases', () => {
  it('a deadline during the FIN grace changes nothing: the session was reported at its response', () => {
    const d = new Driver();
    const t = d.target();
    const { c, s } = d.loggedIn(t);
    const other = d.loggedIn(t); // keeps the operation open past the first response
    const { op, acts } = d.logout(t, { deadline: 100, grace: 600_000 });
    const deadline = all(acts, 'arm').find((a) => a.ms === 100)!.timer;
    const lo = all(acts, 'send').find((a) => a.conn === c)!.bytes;
    const resp = d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(lo), statsn: 3, w40: 0x00050007 }));
    expect(find(resp, 'session-result')).toMatchObject({
      session: s,
      reason: A.R_LOGGED_OUT,
      hr: HR.S_OK,
      time2Wait: 5,
      time2Retain: 7,
    });
    const out = d.timer(deadline);
    expect(all(out, 'session-result').map((a) => a.session)).toEqual([other.s]); // only the unanswered one
    expect(find(out, 'op-done')).toMatchObject({ op, hr: HR.VDS_E_TIMEOUT });
    expect(d.connState(c)).toBe(A.S1_FREE); // still lingering for its FIN
  });

  it('a session waiting behind the concurrency cap sends no keepalive ping, and keeps its timer', () => {
    const d = new Driver();
    const t = d.target();
    const sessions = [0, 1].map(() => d.loggedIn(t, { keepaliveMs: 1000 }).c);
    const { acts } = d.logout(t, { conc: 1 });
    const waiting = sessions.find((c) => !all(acts, 'send').some((a) => a.conn === c))!;
    const out = d.timer((CODE.TIMER_CONN << 16) | waiting); // its keepalive interval ran out
    expect(all(out, 'send')).toEqual([]);
    expect(find(out, 'arm')).toMatchObject({ timer: (CODE.TIMER_CONN << 16) | waiting, ms: 1000 });
  });

  it('a logout that joins a running one also takes the sessions that logged in since it began', () => {
    const d = new Driver();
    const t = d.target();
    d.loggedIn(t);
    const first = d.logout(t, { conc: 1, timeout: 600_000 });
    const late = d.loggedIn(t); // logs in while the logout runs
    const again = d.logout(t);
    expect(again.op).toBe(first.op);
    expect(find(again.acts, 'joined')).toBeDefined();
    const lo = d.timer(find(first.acts, 'arm')!.timer); // the first session's Logout times out ...
    expect(all(lo, 'send').map((a) => a.conn)).toEqual([late.c]); // ... and the late one's Logout goes out
  });
});

describe('a held command (its caller waited for the block size) under an abort-policy logout', () => {
  it('sent after the Logout went out, it ends aborted-by-logout and is counted aborted, never sent', () => {
    const d = new Driver();
    const t = d.target();
    const { c, s } = d.loggedIn(t);
    expect(d.c.core.hold(s)).toBe(0);
    const { op, acts } = d.logout(t, { policy: A.INFLIGHT_ABORT });
    const lo = find(acts, 'send')!.bytes;
    const { t: ref, acts: sent } = d.command(s, cdb.testUnitReady(), { follows: true });
    expect(ref).toBe(A.ERR_ABORTED_BY_LOGOUT);
    expect(all(sent, 'send')).toHaveLength(0);
    const end = d.data(c, targetPdu(0x26, 0x80, { itt: ittOf(lo), statsn: 3 }));
    expect(find(end, 'session-result')).toMatchObject({ op, session: s, commandsAborted: 1, commandsDrained: 0 });
  });
});
