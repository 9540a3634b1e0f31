// The README's examples are the files in examples/, and each runs as written in its runtime.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const run = (cmd: string, args: string[]): Promise<string> =>
  new Promise((done, fail) =>
    execFile(
      cmd,
      args,
      { cwd: root, timeout: 60000 },
      (e, out, err) => (e ? fail(new Error(`${e.message}\n${err}`)) : done(out)),
    )
  );
const EXAMPLES = [
  ['examples/node.mjs', () => run('node', ['examples/node.mjs'])],
  ['examples/deno.ts', () => run(bin('deno'), ['run', '--allow-net', 'examples/deno.ts'])],
  ['examples/bun.ts', () => run(bin('bun'), ['examples/bun.ts'])],
] as const;

describe('README examples', () => {
  beforeAll(() => {
    execFileSync('node', [join(root, 'scripts/bundle.mjs')], { cwd: root }); // Node and Bun run the built package
  }, 60000);
  for (const [file, start] of EXAMPLES) {
    it(`${file} is in the README word for word and runs`, async () => {
      const block = new RegExp('```\\w+ ' + file.replace('.', '\\.') + '\\n([\\s\\S]*?)```').exec(readme)?.[1];
      expect(block).toBe(readFileSync(join(root, file), 'utf8'));
      expect((await start()).trim()).toBe('read 7, logout S_OK, 1 session(s)');
    }, 60000);
  }
});
