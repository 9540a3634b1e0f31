import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CODE, FAILED, HR, hrName, readAction, SUCCEEDED } from '../hosts/codes.ts';
import { coreModule, instantiateCore } from '../hosts/wasm/load.ts';

// core/codes.ts is the single source of truth; the generated TypeScript must say the same.
const src = readFileSync(new URL('../core/codes.ts', import.meta.url), 'utf8');
const rows = [...src.matchAll(/^export const ([A-Z0-9_]+): [ui]32 = (-?(?:0x[0-9A-Fa-f]+|\d+));/gm)].map(([, n, v]) =>
  [n, Number(v)] as const
);

describe('result codes', () => {
  it('every constant in core/codes.ts appears in HR or CODE with the same value, and nothing else does', () => {
    expect(rows.length).toBeGreaterThan(100);
    const ts = { ...HR, ...CODE } as Record<string, number>;
    for (const [n, v] of rows) expect([n, ts[n]]).toEqual([n, v]);
    expect(Object.keys(ts).sort()).toEqual(rows.map(([n]) => n).sort());
  });
  it('the values docs/logout.md and docs/handle.md name', () => {
    const contract: Record<string, number> = {
      S_OK: 0,
      E_INVALIDARG: 0x80070057,
      VDS_E_OBJECT_NOT_FOUND: 0x80042405,
      VDS_E_ISCSI_SESSION_NOT_FOUND: 0x8004270a,
      VDS_E_ISCSI_LOGOUT_INCOMPLETE: 0x80042710,
      VDS_E_ISCSI_LOGOUT_FAILED: 0x80042709,
      VDS_E_OPERATION_CANCELED: 0x8004240d,
      VDS_E_TIMEOUT: 0x8004245f,
      VDS_E_OPERATION_PENDING: 0x80042409,
      VDS_E_CANCEL_TOO_LATE: 0x8004240c,
    };
    for (const [name, value] of Object.entries(contract)) {
      expect([name, (HR as Record<string, number>)[name]]).toEqual([name, value]);
    }
    expect([CODE.ASYNC_LOGINTOTARGET, CODE.ASYNC_LOGOUTFROMTARGET]).toEqual([60, 61]);
  });
  it('hrName, SUCCEEDED and FAILED; HRESULTs are unsigned', () => {
    expect(hrName(0x80042710)).toBe('VDS_E_ISCSI_LOGOUT_INCOMPLETE');
    expect(hrName(-2147211504)).toBe('VDS_E_ISCSI_LOGOUT_INCOMPLETE');
    expect(hrName(0x12345678)).toBe('0x12345678');
    expect(FAILED(HR.VDS_E_ISCSI_LOGOUT_INCOMPLETE)).toBe(true);
    expect(SUCCEEDED(HR.S_OK)).toBe(true);
    for (const v of Object.values(HR)) expect(v).toBeGreaterThanOrEqual(0);
  });
  it('the tables are sized by the caller: the defaults, a given size, and a refusal past the limit', () => {
    const core = instantiateCore();
    expect([core.maxSessions(), core.maxTasks()]).toEqual([CODE.DEFAULT_SESSIONS, CODE.DEFAULT_TASKS]);
    expect(instantiateCore(10, 4).maxSessions()).toBe(10);
    expect(() => instantiateCore(CODE.MAX_SESSIONS_LIMIT + 1)).toThrow(RangeError);
  });
  it('the Wasm module has no imports', () => {
    expect(WebAssembly.Module.imports(coreModule())).toEqual([]);
  });
  it('every action kind in core/codes.ts decodes by name', () => {
    const kinds = Object.entries(CODE).filter(([k]) => k.startsWith('ACT_'));
    const tx = new Uint8Array(16);
    for (const [name, code] of kinds) {
      const a = readAction(Uint32Array.of(code, 1, 0, 0, 0, 0, 0, 0), tx);
      expect(a.kind).toBe(name.slice(4).toLowerCase().replaceAll('_', '-'));
    }
    expect(kinds.length).toBeGreaterThanOrEqual(16);
  });
});

describe('README result-code table', () => {
  it('every row names an HR with the value written beside it', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = [...readme.matchAll(/^\| ([A-Z_]+) \| (0x[0-9A-F]{8}) \|/gm)];
    expect(table.length).toBeGreaterThanOrEqual(10);
    for (const [, name, hex] of table) {
      expect([name, (HR as Record<string, number>)[name]]).toEqual([name, Number(hex)]);
    }
  });
});
