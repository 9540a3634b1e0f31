// The conformance corpus: one small function per scenario, each a script against a scripted
// target (script.ts). Their transcripts are committed under transcripts/ and must come out the
// same, line for line, under Node, Deno and Bun (conformance.test.ts).
import { all, find } from '../helpers/driver.ts';
import type { Action } from '../helpers/driver.ts';
import { CODE } from '../../hosts/codes.ts';
import * as cdb from '../../hosts/scsi/cdb.ts';
import { Script, timerName } from './script.ts';

const A = CODE;
const RECOVERY = { replaceMs: 120000, minMs: 200, maxMs: 2000, portals: ['192.0.2.1:3260', '192.0.2.2:3260'] };
/** The reinstatement login on the connection the reconnect timer asked for: security, then the
 *  final operational response (TSIH 9). Returns the new connection. */
function relogin(s: Script, acts: Action[]): { c: number; acts: Action[] } {
  const c = find(acts, 'connect')!.conn;
  const up = s.record(`up(${c})`, s.d.up(c));
  const op = s.feed(c, s.pdu(0x23, 0x81, { itt: s_itt(sentOn(up, c)), statsn: s.statSN(c) }, 'AuthMethod=None\0'));
  const fin = s.pdu(0x23, 0x87, { itt: s_itt(sentOn(op, c)), statsn: s.statSN(c), tsih: 9 }, 'HeaderDigest=None\0');
  return { c, acts: s.feed(c, fin) };
}
// Logins that vary a step of the exchange (the rest log in through s.loggedIn).
/** A login as far as its first Login Request (security stage): the connection and that request. */
function firstRequest(s: Script, flags = 0, auth = 0): { c: number; first: Uint8Array } {
  const { acts } = s.d.login(s.d.target(), flags, auth);
  s.record('login()', acts);
  const c = find(acts, 'connect')!.conn;
  return { c, first: find(s.record(`up(${c})`, s.d.up(c)), 'send')!.bytes };
}
/** ... and on to its operational Login Request, the target having answered AuthMethod=None. */
function operationalRequest(s: Script): { c: number; op: Uint8Array } {
  const { c, first } = firstRequest(s);
  return {
    c,
    op: find(s.feed(c, s.pdu(0x23, 0x81, { itt: s.itt(first), statsn: s.statSN(c) }, 'AuthMethod=None\0')), 'send')!
      .bytes,
  };
}
function logout(s: Script, t: number, o: Parameters<Script['d']['logout']>[1] = {}): { op: number; acts: Action[] } {
  const r = s.d.logout(t, o);
  s.record(`logout(${JSON.stringify(o)})`, r.acts);
  return r;
}
const sentOn = (acts: Action[], c: number) => all(acts, 'send').find((a) => a.conn === c)!.bytes;
/** The target's Logout Response to the Logout sent on c (fields to override). */
const logoutResponse = (s: Script, c: number, acts: Action[], f: Parameters<Script['pdu']>[2] = {}) =>
  s.pdu(0x26, 0x80, { itt: s.itt(sentOn(acts, c)), statsn: s.statSN(c), ...f });
/** ... fed to the core (in pieces of `split` bytes). */
function answer(s: Script, c: number, acts: Action[], f: Parameters<Script['pdu']>[2] = {}, split = 0): Action[] {
  return s.feed(c, logoutResponse(s, c, acts, f), undefined, split);
}
const fire = (s: Script, id: number) => s.record(`timer(${timerName(id)})`, s.d.timer(id));
const lost = (s: Script, c: number) => s.record(`lost(${c})`, s.d.lost(c, 0));
const armedFor = (acts: Action[], c: number) =>
  find(acts, 'arm') && all(acts, 'arm').find((a) => (a.timer & 0xffff) === c && a.timer >> 16 === A.TIMER_CONN)!.timer;
function async(s: Script, c: number, event: number, p1 = 0, p2 = 0, p3 = 0): Action[] {
  const pdu = s.pdu(0x32, 0x80, { statsn: s.statSN(c) });
  pdu[36] = event;
  new DataView(pdu.buffer).setUint16(38, p1);
  new DataView(pdu.buffer).setUint16(40, p2);
  new DataView(pdu.buffer).setUint16(42, p3);
  return s.feed(c, pdu, `async event ${event}`);
}
/** A SCSI command's ITT, from the PDU the core sent for it. */
const commandItt = (acts: Action[]) =>
  s_itt(all(acts, 'send').find((a) => (a.bytes[0] & 0x3f) === 1)?.bytes ?? all(acts, 'send-data')[0].bytes);
const s_itt = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(16);
/** A SCSI Response CHECK CONDITION with fixed-format sense: `key`, ASC `asc`, ASCQ 0. */
function checkCondition(s: Script, c: number, itt: number, key: number, asc: number): Uint8Array {
  const sense = String.fromCharCode(0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, 0, 0, 0, 0, 0);
  const rsp = s.pdu(0x21, 0x80, { itt, statsn: s.statSN(c) }, '\0\x12' + sense);
  rsp[3] = 0x02;
  return rsp;
}

export const SCENARIOS: Record<string, (s: Script) => void> = {
  // ---- LogoutFromTarget: one session, the target behaving
  'logout-one-session-ok': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    answer(s, c, acts);
    lost(s, c);
  },
  'logout-grace-runs-out': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    const after = answer(s, c, acts);
    fire(s, find(after, 'arm')!.timer);
  },
  'logout-window-closed-still-immediate': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const nop = s.pdu(0x20, 0x80, { statsn: s.statSN(c, false) });
    new DataView(nop.buffer).setUint32(28, 5);
    new DataView(nop.buffer).setUint32(32, 4);
    s.feed(c, nop, 'NOP-In closing the window');
    const { acts } = logout(s, t);
    answer(s, c, acts);
    lost(s, c);
  },
  'logout-statsn-at-wrap': (s) => {
    s.firstStatSN = 0xfffffffe; // the target's StatSN crosses 2^32 during the login
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    answer(s, c, acts);
    lost(s, c);
  },
  'logout-response-in-one-byte-pieces': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    answer(s, c, acts, {}, 1);
    lost(s, c);
  },
  // The target writes its response and closes at once: the host sees both before acting.
  'logout-response-and-fin-together': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    s.feedThenFin(c, logoutResponse(s, c, acts));
  },
  'logout-nop-in-during-logout-unanswered': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    s.feed(c, s.pdu(0x20, 0x80, { ttt: 0x77, statsn: s.statSN(c, false) }), 'NOP-In ping after our Logout');
    answer(s, c, acts);
    lost(s, c);
  },
  // ---- each field of the Logout Response wrong in turn
  ...Object.fromEntries([
    ['logout-response-with-data-segment', (p: Uint8Array) => p],
    ['logout-response-unknown-code', (p: Uint8Array) => ((p[2] = 7), p)],
    ['logout-response-wrong-itt', (p: Uint8Array) => (new DataView(p.buffer).setUint32(16, 0x1234), p)],
    ['logout-response-wrong-statsn', (p: Uint8Array) => (new DataView(p.buffer).setUint32(24, 99), p)],
    // Reserved bits and bytes are ignored (RFC 7143 §11): this one logs out.
    [
      'logout-response-reserved-byte-set',
      (p: Uint8Array) => ((p[0] |= 0xc0), (p[1] |= 0x7f), (p[3] = 1), (p[10] = 1), p),
    ],
  ].map(([name, spoil]) => [name as string, (s: Script) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    const withData = name === 'logout-response-with-data-segment';
    const pdu = s.pdu(0x26, 0x80, { itt: s.itt(sentOn(acts, c)), statsn: s.statSN(c) }, withData ? 'x' : '');
    s.feed(c, (spoil as (p: Uint8Array) => Uint8Array)(pdu));
    if (name === 'logout-response-reserved-byte-set') lost(s, c);
  }])),
  ...Object.fromEntries([1, 2, 3].map((code) => [`logout-response-${code}`, (s: Script) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    answer(s, c, acts, { byte2: code, w40: 0x00020014 });
  }])),
  // ---- single-session faults
  'logout-no-response-times-out': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    fire(s, armedFor(acts, c)!);
  },
  'logout-fin-instead-of-response': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    logout(s, t);
    lost(s, c);
  },
  'logout-late-response-before-timer': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    s.record('(time passes, less than the logout timeout)', []);
    answer(s, c, acts);
    lost(s, c);
  },
  'logout-header-digest-error': (s) => {
    const t = s.d.target(),
      { c } = s.loggedIn(t, { digests: { header: true } });
    const { acts } = logout(s, t);
    const pdu = s.pdu(0x26, 0x80, { itt: s.itt(sentOn(acts, c)), statsn: s.statSN(c) });
    const withDigest = new Uint8Array(52);
    withDigest.set(pdu.subarray(0, 48));
    s.feed(c, withDigest, 'Logout Response with a bad header digest');
  },
  // ---- several sessions
  'logout-three-sessions-ok': (s) => {
    const t = s.d.target(), conns = [s.loggedIn(t).c, s.loggedIn(t).c, s.loggedIn(t).c];
    const { acts } = logout(s, t);
    for (const c of conns) {
      answer(s, c, acts);
      lost(s, c);
    }
  },
  'logout-mixed-outcomes-incomplete': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c, b = s.loggedIn(t).c, c = s.loggedIn(t).c;
    const { acts } = logout(s, t);
    answer(s, a, acts);
    lost(s, a);
    answer(s, b, acts, { byte2: 2, w40: 0x00020014 });
    fire(s, armedFor(acts, c)!);
  },
  'logout-all-fail': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c, b = s.loggedIn(t).c;
    logout(s, t);
    lost(s, a);
    lost(s, b);
  },
  'logout-concurrency-cap-one': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c, b = s.loggedIn(t).c;
    const { acts } = logout(s, t, { conc: 1 });
    // a's session ends at its response, so b's Logout goes out then, before a's FIN.
    const next = answer(s, a, acts);
    lost(s, a);
    answer(s, b, next);
    lost(s, b);
  },
  'logout-unknown-target-and-no-session': (s) => {
    const t = s.d.target();
    logout(s, t);
    logout(s, 99);
    logout(s, -1);
    logout(s, -2);
  },
  // ---- the handle
  'handle-progress-while-running': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c, b = s.loggedIn(t).c;
    const { op, acts } = logout(s, t);
    s.note(`status ${s.d.c.core.status(op).toString(16)} percent ${s.d.c.core.percent(op)}`);
    answer(s, a, acts);
    lost(s, a);
    s.note(`status ${s.d.c.core.status(op).toString(16)} percent ${s.d.c.core.percent(op)}`);
    answer(s, b, acts);
    lost(s, b);
  },
  'handle-cancel-before-send': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c;
    s.loggedIn(t);
    const { op, acts } = logout(s, t, { conc: 1 });
    s.record(`cancel(${op})`, s.d.cancel(op));
    answer(s, a, acts);
    lost(s, a);
  },
  'handle-cancel-after-every-logout-sent': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { op, acts } = logout(s, t);
    s.record(`cancel(${op}) answers ${s.d.c.core.cancel(op).toString(16)}`, []);
    answer(s, c, acts);
    lost(s, c);
  },
  'handle-cancel-after-completion': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { op, acts } = logout(s, t);
    answer(s, c, acts);
    lost(s, c);
    s.record(`cancel(${op}) answers ${s.d.c.core.cancel(op).toString(16)}`, []);
  },
  'handle-deadline': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c;
    s.loggedIn(t);
    const { acts } = logout(s, t, { conc: 1, deadline: 500, timeout: 600000 });
    fire(s, all(acts, 'arm').find((x) => x.timer >> 16 === A.TIMER_OP)!.timer);
    s.note(`conn ${a} after the deadline: ${s.d.connState(a)}`);
  },
  'handle-join-one-logout-each': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const { acts } = logout(s, t);
    logout(s, t);
    answer(s, c, acts);
    lost(s, c);
  },
  'handle-join-takes-later-sessions': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c;
    const first = logout(s, t, { conc: 1 });
    const b = s.loggedIn(t).c;
    logout(s, t);
    const next = answer(s, a, first.acts); // a logged out: b's Logout goes out at once
    lost(s, a);
    answer(s, b, next);
    lost(s, b);
  },
  'handle-join-cancel-needs-every-caller': (s) => {
    const t = s.d.target();
    s.loggedIn(t);
    s.loggedIn(t);
    const { op } = logout(s, t, { conc: 1 });
    logout(s, t);
    s.record(`cancel(${op}) answers ${s.d.c.core.cancel(op).toString(16)}`, []);
    s.record(`cancel(${op})`, s.d.cancel(op));
  },
  // ---- events the target starts
  'event-async-logout-request': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const acts = async(s, c, 1, 0, 0, 5);
    s.feed(c, s.pdu(0x26, 0x80, { itt: s.itt(sentOn(acts, c)), statsn: s.statSN(c) }));
    lost(s, c);
  },
  // With a command in flight, the session drains first: its Logout goes out when the command ends.
  'event-async-logout-request-drains': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    const cmd = s.d.command(session, cdb.testUnitReady());
    s.record('testUnitReady()', cmd.acts);
    async(s, c, 1, 0, 0, 5);
    const after = s.feed(c, s.pdu(0x21, 0x80, { itt: commandItt(cmd.acts), statsn: s.statSN(c) }));
    s.feed(c, s.pdu(0x26, 0x80, { itt: s.itt(sentOn(after, c)), statsn: s.statSN(c) }));
    lost(s, c);
  },
  // ... for Parameter3 seconds at most: then the Logout goes out and the command ends aborted-by-logout.
  'event-async-logout-request-limit': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    s.record('testUnitReady()', s.d.command(session, cdb.testUnitReady()).acts);
    async(s, c, 1, 0, 0, 2);
    const sent = fire(s, (A.TIMER_SESSION << 16) | session);
    s.feed(c, s.pdu(0x26, 0x80, { itt: s.itt(sentOn(sent, c)), statsn: s.statSN(c) }));
    lost(s, c);
  },
  // T16: the connection is lost while the session drains at the target's request.
  'event-async-logout-request-then-lost': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    s.record('testUnitReady()', s.d.command(session, cdb.testUnitReady()).acts);
    async(s, c, 1, 0, 0, 5);
    lost(s, c);
  },
  // AsyncEvent 2 for our CID and for another, 3, 4 (Parameter3 = 5 s), and a vendor-specific 255.
  ...Object.fromEntries(([
    ['event-async-drop-connection', 2, 1, 2, 0],
    ['event-async-drop-other-connection', 2, 9, 2, 0],
    ['event-async-drop-all', 3, 0, 2, 0],
    ['event-async-renegotiate', 4, 0, 0, 5],
    ['event-async-vendor-255', 255, 1, 2, 3],
  ] as const).map(([name, event, p1, p2, p3]) => [name, (s: Script) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    async(s, c, event, p1, p2, p3);
  }])),
  'event-reject-waiting-for-logout': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    const rj = s.pdu(0x3f, 0x80, { statsn: s.statSN(c) }, 'x'.repeat(48));
    rj[2] = 0x0c;
    s.feed(c, rj);
  },
  'event-nop-in-ping-answered': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    s.feed(c, s.pdu(0x20, 0x80, { ttt: 0xabc, statsn: s.statSN(c, false) }));
  },
  'event-keepalive-ping-and-loss': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t, { keepaliveMs: 2000 });
    const ping = fire(s, (A.TIMER_CONN << 16) | c);
    s.feed(c, s.pdu(0x20, 0x80, { itt: s.itt(find(ping, 'send')!.bytes), statsn: s.statSN(c, false) }));
    fire(s, (A.TIMER_CONN << 16) | c);
    fire(s, (A.TIMER_CONN << 16) | c);
  },
  // ---- login
  'login-none': (s) => {
    s.loggedIn(s.d.target());
  },
  ...Object.fromEntries(
    [['login-chap', A.AUTH_CHAP], ['login-mutual-chap', A.AUTH_MUTUAL_CHAP]].map((
      [name, auth],
    ) => [name, (s: Script) => {
      const { c, first } = firstRequest(s, 0, auth as number);
      const algs =
        find(s.feed(c, s.pdu(0x23, 0x01, { itt: s.itt(first), statsn: s.statSN(c) }, 'AuthMethod=CHAP\0')), 'send')!
          .bytes;
      s.feed(
        c,
        s.pdu(
          0x23,
          0x01,
          { itt: s.itt(algs), statsn: s.statSN(c) },
          `CHAP_A=5\0CHAP_I=3\0CHAP_C=0x${'ab'.repeat(16)}\0`,
        ),
      );
      const r = s.record(`chapAnswer(${c})`, s.d.chap(c, new Uint8Array(16).fill(1)));
      const mutual = auth === A.AUTH_MUTUAL_CHAP ? `CHAP_N=tgt\0CHAP_R=0x${'02'.repeat(16)}\0` : '';
      let next = s.feed(c, s.pdu(0x23, 0x81, { itt: s.itt(find(r, 'send')!.bytes), statsn: s.statSN(c) }, mutual));
      if (auth === A.AUTH_MUTUAL_CHAP) {
        next = s.record(`chapExpected(${c})`, s.d.chap(c, new Uint8Array(16).fill(2), true));
      }
      s.feed(
        c,
        s.pdu(
          0x23,
          0x87,
          { itt: s.itt(find(next, 'send')!.bytes), statsn: s.statSN(c), tsih: 7 },
          'HeaderDigest=None\0',
        ),
      );
    }]),
  ),
  'login-wrong-secret-0201': (s) => {
    const { c, first } = firstRequest(s);
    s.feed(c, s.pdu(0x23, 0x00, { itt: s.itt(first), statsn: s.statSN(c), status: 0x0201 }));
  },
  'login-downgrade-refused': (s) => {
    const { c, first } = firstRequest(s, 0, A.AUTH_CHAP);
    s.feed(c, s.pdu(0x23, 0x81, { itt: s.itt(first), statsn: s.statSN(c) }, 'AuthMethod=None\0'));
  },
  'login-redirect': (s) => {
    const { c, first } = firstRequest(s);
    s.feed(
      c,
      s.pdu(0x23, 0x00, { itt: s.itt(first), statsn: s.statSN(c), status: 0x0101 }, 'TargetAddress=127.0.0.9:3260,1\0'),
    );
  },
  'login-connect-refused': (s) => {
    const { acts } = s.d.login(s.d.target());
    s.record('login()', acts);
    s.record('lost (connect failed)', s.d.lost(find(acts, 'connect')!.conn, 1));
  },
  'login-connect-timeout': (s) => {
    const { acts } = s.d.login(s.d.target());
    s.record('login()', acts);
    fire(s, find(acts, 'arm')!.timer);
  },
  ...Object.fromEntries([
    ['login-hex-numbers', 'HeaderDigest=None\0DataDigest=None\0MaxRecvDataSegmentLength=0x2000\0'],
    ['login-out-of-range', 'HeaderDigest=None\0DataDigest=None\0MaxRecvDataSegmentLength=4294967808\0'],
    ['login-unoffered-digest', 'HeaderDigest=CRC32C\0DataDigest=None\0'],
    ['login-result-function-broken', 'HeaderDigest=None\0DataDigest=None\0MaxBurstLength=1048576\0'],
  ].map(([name, keys]) => [name, (s: Script) => {
    s.loggedIn(s.d.target(), { keys });
  }])),
  'login-tsih-zero': (s) => {
    s.loggedIn(s.d.target(), { tsih: 0 });
  },
  'login-key-split-c-bit': (s) => {
    const { c, op } = operationalRequest(s);
    const more = find(
      s.feed(c, s.pdu(0x23, 0x44, { itt: s.itt(op), statsn: s.statSN(c) }, 'HeaderDigest=None\0MaxBurstLen')),
      'send',
    )!.bytes;
    s.feed(c, s.pdu(0x23, 0x87, { itt: s.itt(more), statsn: s.statSN(c), tsih: 7 }, 'gth=65536\0'));
  },
  'login-skipped-operational-with-digest-required': (s) => {
    const { c, first } = firstRequest(s, A.LOGIN_HEADER_DIGEST);
    s.feed(c, s.pdu(0x23, 0x83, { itt: s.itt(first), statsn: s.statSN(c), tsih: 7 }, 'AuthMethod=None\0'));
  },
  'login-proposed-key-answered': (s) => {
    const { c, op } = operationalRequest(s);
    const ans = find(
      s.feed(c, s.pdu(0x23, 0x04, { itt: s.itt(op), statsn: s.statSN(c) }, 'X-com.example.Foo=1\0IFMarker=Yes\0')),
      'send',
    )!.bytes;
    s.feed(c, s.pdu(0x23, 0x87, { itt: s.itt(ans), statsn: s.statSN(c), tsih: 7 }, 'HeaderDigest=None\0'));
  },
  // ---- discovery
  'discovery-sendtargets': (s) => {
    const { acts } = s.d.login(-1, A.LOGIN_DISCOVERY);
    s.record('discover()', acts);
    const c = find(acts, 'connect')!.conn;
    const sec = find(s.record(`up(${c})`, s.d.up(c)), 'send')!.bytes;
    const op =
      find(s.feed(c, s.pdu(0x23, 0x81, { itt: s.itt(sec), statsn: s.statSN(c) }, 'AuthMethod=None\0')), 'send')!.bytes;
    const st = find(
      s.feed(c, s.pdu(0x23, 0x87, { itt: s.itt(op), statsn: s.statSN(c), tsih: 7 }, 'HeaderDigest=None\0')),
      'send',
    )!.bytes;
    const part = find(
      s.feed(
        c,
        s.pdu(
          0x24,
          0x40,
          { itt: s.itt(st), statsn: s.statSN(c), ttt: 0x99 },
          'TargetName=iqn.2026-11.x:a\0TargetAdd',
        ),
      ),
      'send',
    )!.bytes;
    const lo =
      find(s.feed(c, s.pdu(0x24, 0x80, { itt: s.itt(part), statsn: s.statSN(c) }, 'ress=10.0.0.1:3260,1\0')), 'send')!
        .bytes;
    const g = s.feed(c, s.pdu(0x26, 0x80, { itt: s.itt(lo), statsn: s.statSN(c) }));
    fire(s, find(g, 'arm')!.timer);
  },
  // ---- SCSI I/O
  'io-read-data-in-with-status': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    const { acts } = s.d.command(session, cdb.read(8n, 2, 512));
    s.record('read(lba 8, 2 blocks)', acts);
    const itt = commandItt(acts);
    const d1 = s.pdu(0x25, 0x00, { itt, statsn: s.statSN(c, false) }, 'a'.repeat(512));
    s.feed(c, d1);
    const d2 = s.pdu(0x25, 0x81, { itt, statsn: s.statSN(c) }, 'b'.repeat(512));
    new DataView(d2.buffer).setUint32(36, 1);
    new DataView(d2.buffer).setUint32(40, 512);
    s.feed(c, d2);
  },
  'io-write-immediate-then-r2t': (s) => {
    const t = s.d.target(),
      { c, session } = s.loggedIn(t, { keys: 'HeaderDigest=None\0DataDigest=None\0FirstBurstLength=1024\0' });
    const { acts } = s.d.command(session, cdb.write(0n, 6, 512));
    s.record('write(lba 0, 6 blocks)', acts);
    const itt = commandItt(acts);
    const r2t = s.pdu(0x31, 0x80, { itt, statsn: s.statSN(c, false), ttt: 5 });
    new DataView(r2t.buffer).setUint32(40, 1024);
    new DataView(r2t.buffer).setUint32(44, 2048);
    s.feed(c, r2t);
    s.feed(c, s.pdu(0x21, 0x80, { itt, statsn: s.statSN(c) }));
  },
  'io-check-condition-with-sense': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    const { acts } = s.d.command(session, cdb.testUnitReady());
    s.record('testUnitReady()', acts);
    s.feed(c, checkCondition(s, c, commandItt(acts), 5, 0x21));
  },
  'io-unit-attention-retried-once': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    const { acts } = s.d.command(session, cdb.testUnitReady());
    s.record('testUnitReady()', acts);
    const again = s.feed(c, checkCondition(s, c, commandItt(acts), 6, 0x29));
    s.feed(c, s.pdu(0x21, 0x80, { itt: commandItt(again), statsn: s.statSN(c) }));
  },
  'io-data-in-bad-offset-drops-session': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    const { acts } = s.d.command(session, cdb.read(0n, 2, 512));
    s.record('read(lba 0, 2 blocks)', acts);
    const d = s.pdu(0x25, 0x00, { itt: commandItt(acts), statsn: s.statSN(c, false) }, 'a'.repeat(512));
    new DataView(d.buffer).setUint32(40, 512);
    s.feed(c, d);
  },
  'io-r2t-unknown-itt-drops-session': (s) => {
    const t = s.d.target(), { c } = s.loggedIn(t);
    s.feed(c, s.pdu(0x31, 0x80, { itt: 0x80001005, statsn: s.statSN(c, false), ttt: 1 }));
  },
  'io-command-timeout-abort-task': (s) => {
    const t = s.d.target(), { session } = s.loggedIn(t);
    const { t: task, acts } = s.d.command(session, cdb.testUnitReady(), { timeout: 5000 });
    s.record('testUnitReady(timeout 5000)', acts);
    fire(s, (A.TIMER_TASK << 16) | (task & 0xfff)); // a task timer is per slot; the reference carries more
  },
  // Recovery (docs/io.md): the connection fails with a command in flight; the session logs in
  // again (same ISID, TSIH 0) at the first portal, the command goes again on the new connection.
  'recovery-reinstate-and-replay': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t, { recovery: RECOVERY });
    const cmd = s.d.command(session, cdb.testUnitReady(), { replay: true });
    s.record('testUnitReady(replay)', cmd.acts);
    lost(s, c);
    const { c: c2, acts } = relogin(s, fire(s, (A.TIMER_RECONNECT << 16) | session));
    s.feed(c2, s.pdu(0x21, 0x80, { itt: commandItt(acts), statsn: s.statSN(c2) }));
    logout(s, t);
  },
  // ... and when no new login succeeds within its attempts, the session is given up: its command
  // fails session-lost, once.
  'recovery-gives-up': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t, { recovery: { ...RECOVERY, attempts: 2 } });
    s.record('testUnitReady(replay)', s.d.command(session, cdb.testUnitReady(), { replay: true }).acts);
    lost(s, c);
    for (let i = 0; i < 2; i++) {
      const acts = fire(s, (A.TIMER_RECONNECT << 16) | session);
      const c2 = find(acts, 'connect')!.conn;
      s.record(`lost(${c2}, connect failed)`, s.d.lost(c2, 1));
    }
  },
  'io-logout-drain-waits-for-command': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    const cmd = s.d.command(session, cdb.testUnitReady());
    s.record('testUnitReady()', cmd.acts);
    logout(s, t);
    const after = s.feed(c, s.pdu(0x21, 0x80, { itt: commandItt(cmd.acts), statsn: s.statSN(c) }));
    answer(s, c, after);
    lost(s, c);
  },
  'io-logout-drain-deadline': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    s.record('testUnitReady()', s.d.command(session, cdb.testUnitReady()).acts);
    const { acts } = logout(s, t, { drain: 200 });
    const sent = fire(s, all(acts, 'arm').find((a) => a.timer >> 16 === A.TIMER_DRAIN)!.timer);
    answer(s, c, sent);
    lost(s, c);
  },
  'io-logout-abort': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    s.record('testUnitReady()', s.d.command(session, cdb.testUnitReady()).acts);
    const { acts } = logout(s, t, { policy: A.INFLIGHT_ABORT });
    answer(s, c, acts);
    lost(s, c);
  },
  'io-logout-refuse-busy': (s) => {
    const t = s.d.target(), { session } = s.loggedIn(t);
    s.record('testUnitReady()', s.d.command(session, cdb.testUnitReady()).acts);
    logout(s, t, { policy: A.INFLIGHT_REFUSE });
  },
  'io-command-queued-behind-closed-window': (s) => {
    const t = s.d.target(), { c, session } = s.loggedIn(t);
    const nop = s.pdu(0x20, 0x80, { statsn: s.statSN(c, false) });
    new DataView(nop.buffer).setUint32(28, 2);
    new DataView(nop.buffer).setUint32(32, 1);
    s.feed(c, nop, 'NOP-In leaving room for none');
    s.record('testUnitReady()', s.d.command(session, cdb.testUnitReady()).acts);
    const open = s.pdu(0x20, 0x80, { statsn: s.statSN(c, false) });
    new DataView(open.buffer).setUint32(28, 1);
    new DataView(open.buffer).setUint32(32, 4);
    s.feed(c, open, 'NOP-In opening the window');
  },
  // ---- the adapter closing with sessions open
  'close-with-sessions-open': (s) => {
    const t = s.d.target(), a = s.loggedIn(t).c, b = s.loggedIn(t).c;
    const { acts } = logout(s, t, { timeout: 500, grace: 50 });
    answer(s, a, acts);
    lost(s, a);
    s.record('adapter disposes: every socket lost', s.d.lost(b, 0));
  },
};
