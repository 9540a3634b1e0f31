// Under Deno without --allow-net, a login says that the permission is missing (README: When something goes wrong).
import { expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);

it('a login under Deno without --allow-net names the missing permission', async () => {
  const out = await new Promise<string>((done, fail) =>
    execFile(
      join(root, 'node_modules/.bin/deno'),
      ['run', '--no-prompt', '--allow-read', 'test/fixtures/deno-no-net.ts'],
      { cwd: root, timeout: 60000 },
      (e, stdout, stderr) => (e ? fail(new Error(`${e.message}\n${stderr}`)) : done(stdout)),
    )
  );
  expect(out.trim()).toBe('connect-failed: network permission denied for 127.0.0.1:3260: run Deno with --allow-net');
}, 60000);
