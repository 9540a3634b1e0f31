// core/ keeps the width the rest of the project keeps (deno.json, fmt.lineWidth) by hand: deno fmt
// would drop AssemblyScript's `@inline` decorators and so change the module (docs/core.md, "Style").
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';

const WIDTH = 120;
const dir = new URL('../core/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();

describe('core style', () => {
  it('finds the core files', () => {
    expect(files).toContain('index.ts');
  });

  it(`no line of core/*.ts is longer than ${WIDTH} characters`, () => {
    const long = files.flatMap((f) =>
      readFileSync(new URL(f, dir), 'utf8').split('\n').flatMap((line, i) => {
        const n = [...line.replace(/\r$/, '')].length;
        return n > WIDTH ? [`core/${f}:${i + 1}: ${n} characters`] : [];
      })
    );
    expect(long).toEqual([]);
  });
});
