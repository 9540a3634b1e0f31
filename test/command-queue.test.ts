// A session's commands waiting for the command window (docs/io.md): they go out oldest first as
// the window opens, and one sent again after a UNIT ATTENTION goes back to its place among them,
// ahead of commands issued after it. Driven through the core with no sockets and no clock.
import { describe, expect, it } from 'vitest';
import { all, Driver, ittOf, targetPdu } from './helpers/driver.ts';
import { none } from '../hosts/scsi/cdb.ts';

/** TEST UNIT READY whose control byte is `k`, so each command is told apart on the wire. */
const tur = (k: number) => none(Uint8Array.of(0, 0, 0, 0, 0, k));
/** The control byte of each SCSI Command PDU the actions sent, in order. */
const sentCommands = (acts: ReturnType<Driver['data']>) =>
  all(acts, 'send').map((a) => a.bytes).filter((b) => b[0] === 0x01).map((b) => b[32 + 5]);
function windowAt(pdu: Uint8Array, exp: number, max: number): Uint8Array {
  new DataView(pdu.buffer).setUint32(28, exp);
  new DataView(pdu.buffer).setUint32(32, max);
  return pdu;
}
/** A SCSI Response with CHECK CONDITION and fixed-format sense: UNIT ATTENTION, POWER ON OCCURRED. */
function unitAttention(itt: number, statsn: number, exp: number, max: number): Uint8Array {
  const sense = new Uint8Array(18);
  sense[0] = 0x70, sense[2] = 0x06, sense[7] = 10, sense[12] = 0x29;
  const head = windowAt(targetPdu(0x21, 0x80, { itt, statsn }), exp, max);
  const pdu = new Uint8Array(48 + 20);
  pdu.set(head.subarray(0, 48));
  pdu[3] = 0x02;
  new DataView(pdu.buffer).setUint32(4, 20);
  new DataView(pdu.buffer).setUint16(48, 18);
  pdu.set(sense, 50);
  return pdu;
}

describe('commands waiting for the command window', () => {
  function closedWindow() {
    const d = new Driver();
    // ExpCmdSN 1, MaxCmdSN 0: closed (RFC 7143 §4.2.2.1).
    const { c, s, statSN } = d.loggedIn(d.target(), { maxCmdSN: 0 });
    return { d, c, s, statSN };
  }

  it('go out oldest first, as far as the window allows', () => {
    const { d, c, s, statSN } = closedWindow();
    for (const k of [1, 2, 3]) expect(sentCommands(d.command(s, tur(k)).acts)).toEqual([]);
    expect(sentCommands(d.data(c, windowAt(targetPdu(0x20, 0x80, { statsn: statSN }), 1, 2)))).toEqual([1, 2]);
    expect(sentCommands(d.data(c, windowAt(targetPdu(0x20, 0x80, { statsn: statSN }), 1, 9)))).toEqual([3]);
  });

  it('a command sent again after a UNIT ATTENTION goes ahead of the commands issued after it', () => {
    const { d, c, s, statSN } = closedWindow();
    for (const k of [1, 2, 3]) d.command(s, tur(k));
    const first = all(d.data(c, windowAt(targetPdu(0x20, 0x80, { statsn: statSN }), 1, 1)), 'send')[0].bytes;
    expect(first[37]).toBe(1);
    // Its answer leaves the window closed (ExpCmdSN 2, MaxCmdSN 1): the command waits again, and
    // when the window opens it is first, as it was issued first.
    const again = d.data(c, unitAttention(ittOf(first), statSN, 2, 1));
    expect(again.some((a) => a.kind === 'event')).toBe(true);
    expect(sentCommands(again)).toEqual([]);
    expect(sentCommands(d.data(c, windowAt(targetPdu(0x20, 0x80, { statsn: statSN + 1 }), 2, 9)))).toEqual([1, 2, 3]);
  });
});
