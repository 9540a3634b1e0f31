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
    expect(core.encode()).toBe(CODE.ERR_RESERVED_NOT_ZERO);
  });

  it('every reserved byte of a Logout Response is checked', () => {
    const base = hexBytes(FIXTURES[1].hex);
    for (const off of [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 36, 37, 38, 39, 44, 45, 46, 47]) {
      const b = base.slice();
      b[off] = 1;
      rx.set(b);
      expect([off, core.decode()]).toEqual([off, CODE.ERR_RESERVED_NOT_ZERO]);
    }
  });
});
