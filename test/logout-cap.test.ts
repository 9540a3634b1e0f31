// LogoutFromTarget's concurrency cap, step by step through the core (docs/logout.md): after every
// call, as many Logouts are on the wire as the cap allows and sessions remain, whatever ended the
// last one. Deterministic: the test is the target and the clock, so no count is sampled.
import { describe, expect, it } from 'vitest';
import { type Action, all, Driver, ittOf, targetPdu } from './helpers/driver.ts';
import { CODE, HR } from '../hosts/codes.ts';

const SESSIONS = 5;
const isLogout = (b: Uint8Array) => (b[0] & 0x3f) === 0x06;

/** Ways a session's teardown ends; each must free its place under the cap exactly once. */
const ENDINGS = ['response and FIN', 'response 2', 'logout timer', 'connection lost'] as const;

describe('the concurrency cap of LogoutFromTarget', () => {
  for (const cap of [1, 2, 3, SESSIONS]) {
    it(`cap ${cap}: min(cap, sessions left) Logouts on the wire after every call, one per session`, () => {
      const d = new Driver();
      const t = d.target();
      const statSN = new Map<number, number>();
      for (let i = 0; i < SESSIONS; i++) {
        const r = d.loggedIn(t);
        statSN.set(r.c, r.statSN);
      }
      const sent = new Map<number, number>(); // conn -> ITT of its Logout
      const ended = new Set<number>(); // sessions whose result came
      const percents: number[] = [];
      const done: Action[] = [];
      const see = (acts: Action[]) => {
        for (const a of all(acts, 'send').filter((x) => isLogout(x.bytes))) {
          expect([a.conn, sent.has(a.conn)]).toEqual([a.conn, false]); // one Logout per connection
          sent.set(a.conn, ittOf(a.bytes));
        }
        for (const a of all(acts, 'session-result')) ended.add(a.session);
        for (const a of all(acts, 'progress')) percents.push(a.percent);
        done.push(...all(acts, 'op-done'));
        return acts;
      };
      // On the wire: sent and not yet ended. The core's own states say the same of the unanswered.
      const onWire = () => sent.size - ended.size;
      const unanswered = () => [...sent.keys()].filter((c) => d.connState(c) === CODE.S6_IN_LOGOUT);
      const expectCap = (step: string) => {
        expect([step, onWire()]).toEqual([step, Math.min(cap, SESSIONS - ended.size)]);
      };

      const { op, acts } = d.logout(t, { conc: cap });
      see(acts);
      expectCap('logout()');
      for (let k = 0; ended.size < SESSIONS; k++) {
        const c = unanswered()[0];
        if (c === undefined) throw new Error(`no Logout on the wire with ${ended.size} of ${SESSIONS} sessions ended`);
        const ending = ENDINGS[k % ENDINGS.length];
        const sn = statSN.get(c)!;
        const response = (byte2 = 0) =>
          targetPdu(0x26, 0x80, { itt: sent.get(c)!, statsn: sn, byte2, w40: byte2 ? 0x00020014 : 0 });
        if (ending === 'response and FIN') {
          see(d.data(c, response()));
          expectCap('response, before the FIN'); // answered, but its place is held until the FIN
          see(d.lost(c, 0));
        } else if (ending === 'response 2') see(d.data(c, response(2)));
        else if (ending === 'logout timer') see(d.timer((CODE.TIMER_CONN << 16) | c));
        else see(d.lost(c, 0));
        expectCap(`after ${ending} on conn ${c}`);
        expect(unanswered().length).toBe(onWire());
      }
      expect(sent.size).toBe(SESSIONS);
      expect(percents).toEqual([20, 40, 60, 80]);
      // Two logged out (response and FIN), three not.
      expect(done).toMatchObject([{ op, hr: HR.VDS_E_ISCSI_LOGOUT_INCOMPLETE }]);
    });
  }
});
