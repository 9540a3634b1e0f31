// HeaderDigest and DataDigest negotiated in the core (docs/login.md): what each preference offers,
// and each answer a target may give to it, through the core with the test's own clock.
import { describe, expect, it } from 'vitest';
import { Driver, find, ittOf, targetPdu } from './helpers/driver.ts';
import { CODE, HR } from '../hosts/codes.ts';
import * as cdb from '../hosts/scsi/cdb.ts';

type Preference = 'required' | 'prefer' | 'off';
const BITS: Record<'HeaderDigest' | 'DataDigest', Record<Preference, number>> = {
  HeaderDigest: { required: CODE.LOGIN_HEADER_DIGEST, prefer: CODE.LOGIN_HEADER_DIGEST_PREFER, off: 0 },
  DataDigest: { required: CODE.LOGIN_DATA_DIGEST, prefer: CODE.LOGIN_DATA_DIGEST_PREFER, off: 0 },
};
const K = { HeaderDigest: CODE.K_HEADER_DIGEST, DataDigest: CODE.K_DATA_DIGEST };
const text = (b: Uint8Array) => new TextDecoder().decode(b.subarray(48)).split('\0');

/** A login with `flags` up to its operational request, as the driver's target answers security. */
function toOperational(d: Driver, flags: number) {
  const { op, acts } = d.login(d.target(), flags);
  const c = find(acts, 'connect')!.conn;
  const sec = find(d.up(c), 'send')!.bytes;
  const opReq =
    find(d.data(c, targetPdu(0x23, 0x81, { itt: ittOf(sec), statsn: 1 }, 'AuthMethod=None\0')), 'send')!.bytes;
  return { op, c, opReq };
}
/** The final Login Response answering `key` with `value` (the other digest None). */
function answer(d: Driver, key: 'HeaderDigest' | 'DataDigest', flags: number, value: string) {
  const { c, opReq } = toOperational(d, flags);
  const other = key === 'HeaderDigest' ? 'DataDigest' : 'HeaderDigest';
  const keys = `${key}=${value}\0${other}=None\0`;
  return d.data(c, targetPdu(0x23, 0x87, { itt: ittOf(opReq), statsn: 2, tsih: 9 }, keys));
}

describe('what each preference offers', () => {
  const OFFERS: [Preference, string][] = [['required', 'CRC32C'], ['prefer', 'CRC32C,None'], ['off', 'None']];
  for (const key of ['HeaderDigest', 'DataDigest'] as const) {
    for (const [pref, list] of OFFERS) {
      it(`${key} ${pref}: ${key}=${list}, the other digest None`, () => {
        const d = new Driver();
        const keys = text(toOperational(d, BITS[key][pref]).opReq);
        const other = key === 'HeaderDigest' ? 'DataDigest' : 'HeaderDigest';
        expect(keys).toContain(`${key}=${list}`);
        expect(keys).toContain(`${other}=None`);
      });
    }
  }
});

describe('each answer to each preference: the digest on, off, or the login failed naming the key', () => {
  // [preference, the target's answer, 1 on / 0 off / 'failed']
  const CASES: [Preference, string, 0 | 1 | 'failed'][] = [
    ['prefer', 'CRC32C', 1],
    ['prefer', 'None', 0],
    ['prefer', 'Reject', 0],
    ['prefer', 'NotUnderstood', 0],
    ['prefer', 'MD5', 'failed'],
    ['prefer', 'CRC32C,None', 'failed'],
    ['required', 'CRC32C', 1],
    ['required', 'None', 'failed'],
    ['required', 'Reject', 'failed'],
    ['required', 'SHA1', 'failed'],
    ['off', 'None', 0],
    ['off', 'Reject', 0],
    ['off', 'CRC32C', 'failed'],
  ];
  for (const key of ['HeaderDigest', 'DataDigest'] as const) {
    for (const [pref, value, outcome] of CASES) {
      it(`${key} ${pref}, answered ${value}: ${outcome === 'failed' ? 'negotiation-failed' : outcome ? 'on' : 'off'}`, () => {
        const d = new Driver();
        const out = answer(d, key, BITS[key][pref], value);
        if (outcome === 'failed') {
          expect(find(out, 'logged-in')).toBeUndefined();
          expect(find(out, 'login-status')).toMatchObject({ reason: CODE.L_NEGOTIATION_FAILED, detail: K[key] });
          expect(find(out, 'op-done')).toMatchObject({ hr: HR.VDS_E_ISCSI_LOGIN_FAILED });
        } else {
          const s = find(out, 'logged-in')!.session;
          expect(d.c.core.sessionParam(s, K[key])).toBe(outcome);
        }
      });
    }
  }
});

describe('the boundary', () => {
  it('a digest both required and preferred is refused (E_INVALIDARG) before anything is sent', () => {
    const d = new Driver();
    const { acts } = d.login(d.target(), CODE.LOGIN_DATA_DIGEST | CODE.LOGIN_DATA_DIGEST_PREFER);
    expect(find(acts, 'connect')).toBeUndefined();
    expect(find(acts, 'op-done')).toMatchObject({ hr: HR.E_INVALIDARG });
  });

  it('a preferred digest the target took is used on the wire: our next PDU carries a header digest', () => {
    const d = new Driver();
    const out = answer(d, 'HeaderDigest', CODE.LOGIN_HEADER_DIGEST_PREFER, 'CRC32C');
    const s = find(out, 'logged-in')!.session;
    const sent = find(d.command(s, cdb.testUnitReady()).acts, 'send')!.bytes;
    expect(sent.length).toBe(48 + 4);
  });
});
