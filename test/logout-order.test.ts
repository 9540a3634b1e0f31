// LogoutFromTarget under a cap of one: a session whose drain ends while the cap is full is sent
// next, before any session after it (docs/logout.md); a Logout the target asked for, outside the
// cap, holds a place until it ends. Driven through the core, with no sockets and no clock.
import { describe, expect, it } from 'vitest';
import { type Action, all, Driver, ittOf, targetPdu } from './helpers/driver.ts';
import { CODE } from '../hosts/codes.ts';
import * as cdb from '../hosts/scsi/cdb.ts';

const logouts = (acts: Action[]) => all(acts, 'send').filter((a) => (a.bytes[0] & 0x3f) === 0x06);

function three() {
  const d = new Driver();
  const t = d.target();
  const ss = [0, 1, 2].map(() => d.loggedIn(t));
  return { d, t, ss };
}

describe('LogoutFromTarget, cap 1', () => {
  it('a session that drained while the cap was full goes next, ahead of later sessions', () => {
    const { d, t, ss } = three();
    const cmd = all(d.command(ss[0].s, cdb.testUnitReady()).acts, 'send')[0].bytes;
    const first = logouts(d.logout(t, { conc: 1, policy: CODE.INFLIGHT_DRAIN }).acts);
    expect(first.map((a) => a.conn)).toEqual([ss[1].c]); // session 0 drains
    // Session 0's command ends: it is pending now, the cap is full.
    expect(logouts(d.data(ss[0].c, targetPdu(0x21, 0x80, { itt: ittOf(cmd), statsn: ss[0].statSN++ })))).toEqual([]);
    const next = logouts(d.data(ss[1].c, targetPdu(0x26, 0x80, { itt: ittOf(first[0].bytes), statsn: ss[1].statSN })));
    expect(next.map((a) => a.conn)).toEqual([ss[0].c]);
    const last = logouts(d.data(ss[0].c, targetPdu(0x26, 0x80, { itt: ittOf(next[0].bytes), statsn: ss[0].statSN })));
    expect(last.map((a) => a.conn)).toEqual([ss[2].c]);
  });

  it('a Logout the target asked for holds a place until it ends', () => {
    const { d, t, ss } = three();
    const first = logouts(d.logout(t, { conc: 1 }).acts);
    expect(first.map((a) => a.conn)).toEqual([ss[0].c]);
    // AsyncEvent 1 with Parameter3 0 on session 2: its Logout goes at once, outside the cap.
    const asked = logouts(d.data(ss[2].c, targetPdu(0x32, 0x80, { statsn: ss[2].statSN++, w36: 1 << 24, w40: 0 })));
    expect(asked.map((a) => a.conn)).toEqual([ss[2].c]);
    // Session 0 ends: two were on the wire, one still is, so nothing more goes.
    expect(logouts(d.data(ss[0].c, targetPdu(0x26, 0x80, { itt: ittOf(first[0].bytes), statsn: ss[0].statSN }))))
      .toEqual([]);
    // Session 2's connection is lost before its answer: session 1 goes now.
    expect(logouts(d.lost(ss[2].c)).map((a) => a.conn)).toEqual([ss[1].c]);
  });
});
