import { describe, expect, it } from 'vitest';
import { freshCore, hexBytes } from './helpers/core.ts';
import { FIELD_ORDER, type FieldName, FIXTURES, ONE_PER_OPCODE } from './vectors/pdus.ts';
import { CODE } from '../hosts/codes.ts';

const ERR = CODE as unknown as Record<string, number>;

describe('BHS codec', () => {
  const { core, rx, tx, fields } = freshCore();
  const decoded = () =>
    Object.fromEntries(FIELD_ORDER.map((n, i) => [n, fields[i] >>> 0])) as Record<FieldName, number>;

  for (const f of FIXTURES) {
    it(`fixture: ${f.name}`, () => {
      const bytes = hexBytes(f.hex);
      expect(bytes.length).toBe(48);
      rx.set(bytes);
      const r = core.decode();
      expect(r).toBe(f.error ? ERR[f.error] : 0);
      const got = decoded();
      for (const [k, v] of Object.entries(f.fields)) expect([k, got[k as FieldName]]).toEqual([k, v]);
    });
  }

  for (const [name, want] of Object.entries(ONE_PER_OPCODE)) {
    it(`round trip encode -> decode: ${name}`, () => {
      fields.fill(0);
      FIELD_ORDER.forEach((n, i) => {
        fields[i] = want[n] ?? 0;
      });
      expect(core.encode()).toBe(0);
      const bytes = tx.slice(0, 48);
      fields.fill(0xdeadbeef);
      rx.set(bytes);
      expect(core.decode()).toBe(0);
      const got = decoded();
      for (const n of FIELD_ORDER) expect([n, got[n]]).toEqual([n, want[n] ?? 0]);
    });
  }

  it('encode refuses what decode would refuse (a data segment on a Logout Response)', () => {
    fields.fill(0);
    FIELD_ORDER.forEach((n, i) => {
      fields[i] = ONE_PER_OPCODE['Logout Response'][n] ?? 0;
    });
    fields[FIELD_ORDER.indexOf('dsl')] = 4;
    expect(core.encode()).toBe(CODE.ERR_BAD_FIELD);
  });

  it('encode refuses a reserved bit: we never send one', () => {
    const build = (name: string, change: Partial<Record<FieldName, number>>) => {
      fields.fill(0);
      FIELD_ORDER.forEach((n, i) => {
        fields[i] = { ...ONE_PER_OPCODE[name], ...change }[n] ?? 0;
      });
      return core.encode();
    };
    expect(build('NOP-Out', {})).toBe(0);
    expect(build('NOP-Out', { b1: 0x81 })).toBe(CODE.ERR_RESERVED_NOT_ZERO);
    expect(build('NOP-Out', { b2: 1 })).toBe(CODE.ERR_RESERVED_NOT_ZERO);
    expect(build('NOP-In', { I: 1 })).toBe(CODE.ERR_RESERVED_NOT_ZERO); // the I bit is reserved in a target PDU
  });

  // decode() is the codec's strict check (what a sender must build); the receive path ignores
  // reserved fields (test/framer.test.ts).
  it('every reserved byte of a Logout Response is reported; bytes 4-7 must be 0 as a rule of their own', () => {
    const base = hexBytes(FIXTURES[1].hex);
    for (const off of [3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 36, 37, 38, 39, 44, 45, 46, 47]) {
      const b = base.slice();
      b[off] = 1;
      rx.set(b);
      expect([off, core.decode()]).toEqual([off, CODE.ERR_RESERVED_NOT_ZERO]);
    }
    for (const off of [4, 5, 6, 7]) {
      const b = base.slice();
      b[off] = 1;
      rx.set(b);
      expect([off, core.decode()]).toEqual([off, CODE.ERR_BAD_FIELD]);
    }
  });
});
