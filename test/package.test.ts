// As a dependency: npm pack, install the tarball into an empty folder, import it from Node, Deno and Bun.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { removeDir, tempDir } from './peers/daemon.ts';
import { startBridgeProcess } from './peers/bridge.ts';
import { startTarget } from 'iscsi-adapter/target';

const root = resolve(new URL('..', import.meta.url).pathname);
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const SCRIPT = `
import { createAdapter, HR, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
const t = await startTarget({ targets: [{ name: 'iqn.2026-11.dev.pkg:t' }] });
const a = createAdapter();
const login = await a.loginToTarget({ target: 'iqn.2026-11.dev.pkg:t', portal: t.portal }).wait();
const out = await a.logoutFromTarget('iqn.2026-11.dev.pkg:t').wait();
await a.close(); await t.close();
console.log(JSON.stringify({ login: hrName(login.hr), logout: hrName(out.hr), ok: HR.S_OK === out.hr }));
`;

// The web entry as a consumer uses it in Deno (its own WebSocket), through the packed command's bridge.
const WEB_SCRIPT = `
import { createAdapter, hrName } from 'iscsi-adapter/web';
const [bridge, token, portal] = Deno.args;
const a = createAdapter({ bridge, token });
const login = await a.loginToTarget({ target: 'iqn.2026-11.dev.pkg:web', portal }).wait();
const out = await a.logoutFromTarget('iqn.2026-11.dev.pkg:web').wait();
await a.close();
console.log(JSON.stringify({ login: hrName(login.hr), logout: hrName(out.hr) }));
`;

describe('the packed package', () => {
  let dir = '';
  beforeAll(() => {
    dir = tempDir('iscsi-pack-');
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--offline', join(dir, tgz)], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    writeFileSync(join(dir, 'use.mjs'), SCRIPT);
  }, 120000);
  afterAll(() => removeDir(dir));

  const want = { login: 'S_OK', logout: 'S_OK', ok: true };
  it('imports and runs under Node', () => {
    expect(JSON.parse(execFileSync('node', ['use.mjs'], { cwd: dir }).toString())).toEqual(want);
  });
  it('imports and runs under Deno', () => {
    expect(JSON.parse(execFileSync(bin('deno'), ['run', '-A', 'use.mjs'], { cwd: dir }).toString())).toEqual(want);
  });
  it('the command (npm run demo / iscsi-adapter) runs the main job and says so in --json', () => {
    const out = JSON.parse(
      execFileSync(
        'node',
        [join(dir, 'node_modules/iscsi-adapter/dist/cli.mjs'), 'demo', '--json', '--sessions', '4'],
        {
          cwd: dir,
        },
      ).toString(),
    );
    expect(out).toMatchObject({ hr: 0, hrName: 'S_OK', hrHex: '0x00000000', loginFailures: [] });
    expect(out.sessions).toHaveLength(4);
    let code = 0;
    try {
      execFileSync('node', [join(dir, 'node_modules/iscsi-adapter/dist/cli.mjs'), '--bogus'], { stdio: 'pipe' });
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(2);
  });
  it('its declarations type-check a TypeScript consumer (module nodenext, strict)', () => {
    writeFileSync(
      join(dir, 'use.ts'),
      `import { createAdapter, hrName, type LogoutOutput } from 'iscsi-adapter';
const op = createAdapter().logoutFromTarget('iqn.2026-11.dev.pkg:t');
const r: { hr: number; output: LogoutOutput } = await op.wait();
const n: string = hrName(r.hr);
// @ts-expect-error: the handle has no such method
op.logout();
{
  await using scoped = createAdapter();
  scoped.on('session-lost', (e) => e.attempts);
}
export { n };
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [] },
        files: ['use.ts'],
      }),
    );
    execFileSync(bin('tsc'), ['-p', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  });
  it('imports and runs under Bun', () => {
    expect(JSON.parse(execFileSync(bin('bun'), ['use.mjs'], { cwd: dir }).toString())).toEqual(want);
  });
  it('iscsi-adapter/web logs in and out under Deno through the packed bridge', async () => {
    writeFileSync(join(dir, 'web-use.mjs'), WEB_SCRIPT);
    const target = await startTarget({ targets: [{ name: 'iqn.2026-11.dev.pkg:web' }] });
    const bridge = await startBridgeProcess({
      allow: [target.portal],
      cli: join(dir, 'node_modules/iscsi-adapter/dist/cli.mjs'),
    });
    try {
      const out = await new Promise<string>((done, fail) =>
        execFile(
          bin('deno'),
          ['run', '-A', 'web-use.mjs', bridge.url, bridge.token, target.portal],
          { cwd: dir },
          (e, o) => e ? fail(e) : done(o),
        )
      );
      expect(JSON.parse(out)).toEqual({ login: 'S_OK', logout: 'S_OK' });
    } finally {
      await bridge.stop();
      await target.close();
    }
  });
  it('ships every docs/ page the README links to', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const linked = [...new Set([...readme.matchAll(/\]\((docs\/[\w-]+\.md)/g)].map((m) => m[1]))];
    expect(linked.length).toBeGreaterThan(0);
    const shipped = join(dir, 'node_modules', 'iscsi-adapter');
    expect(linked.filter((f) => !existsSync(join(shipped, f)))).toEqual([]);
  });
});
