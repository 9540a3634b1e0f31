// Connection and session states change in one place (docs/core.md, "State machines"): core/fsm.ts
// holds the table and is the only file that assigns a `.state`; tasks have stages, not states.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../core/', import.meta.url);
const code = (f: string) =>
  readFileSync(new URL(f, dir), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');

describe('state writers', () => {
  it('no core file but fsm.ts assigns a connection or session state', () => {
    const writes = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'fsm.ts').flatMap((f) =>
      code(f).split('\n').flatMap((line, i) => (/\.state\s*=[^=]/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : []))
    );
    expect(writes).toEqual([]);
  });

  it('fsm.ts does assign them (the check above looks at the right thing)', () => {
    expect(code('fsm.ts').match(/\.state\s*=[^=]/g)?.length).toBeGreaterThanOrEqual(4);
  });
});
