// The core's files import downwards only (docs/core.md, "Layers"): no file imports one that
// imports it back, and none imports from a layer above its own.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../core/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
const imports = new Map(
  files.map((f) => [
    f,
    [...readFileSync(new URL(`${f}.ts`, dir), 'utf8').matchAll(/from\s+"\.\/([\w-]+)"/g)].map((m) => m[1]),
  ]),
);
// The table in docs/core.md: "| N | `a` `b` ... |", one row per layer, the lowest first.
const doc = readFileSync(new URL('../docs/core.md', import.meta.url), 'utf8');
const layerOf = new Map<string, number>();
for (const [, n, names] of doc.matchAll(/^\| (\d+) \| ((?:`[\w-]+` ?)+)\|/gm)) {
  for (const [, name] of names.matchAll(/`([\w-]+)`/g)) layerOf.set(name, Number(n));
}

describe('core layering', () => {
  it('docs/core.md places every core file in a layer', () => {
    expect(files.filter((f) => !layerOf.has(f))).toEqual([]);
    expect([...layerOf.keys()].filter((f) => !files.includes(f))).toEqual([]);
  });

  it('no file imports from a layer above its own', () => {
    const upward = files.flatMap((f) =>
      imports.get(f)!.filter((t) => layerOf.get(t)! > layerOf.get(f)!).map((t) => `${f} -> ${t}`)
    );
    expect(upward).toEqual([]);
  });

  it('the import graph has no cycle', () => {
    const state = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 1) {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      if (state.get(f) === 2) return;
      state.set(f, 1);
      for (const t of imports.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 2);
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
