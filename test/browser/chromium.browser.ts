// dist/web.mjs in headless Chromium, through a real `iscsi-adapter bridge` process (its Origin
// check on: only the static server's origin may connect) to a real tgtd. Vitest under Node only:
// the name is neither bun's (*.test.*, *.spec.*) nor deno's (*.test.ts, *_test.ts) pattern, and
// vitest.config.ts includes test/browser/*.browser.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { type BrowserHarness, openBrowser, startStaticServer, type StaticServer } from '../helpers/browser.ts';
import { bundle, type RunningBridgeProcess, startBridgeProcess } from '../peers/bridge.ts';
import { startTgtd, type Tgtd } from '../peers/tgtd.ts';
import { have } from '../peers/daemon.ts';

type Web = typeof import('../../hosts/web/mod.ts');
type PageWindow = { iscsi: Web; adapter?: InstanceType<Web['Adapter']> };
interface Where {
  bridge: string;
  token: string;
  target: string;
  portal: string;
}

const root = resolve(new URL('../..', import.meta.url).pathname);
const T = 'iqn.2026-11.test:browser';

describe('dist/web.mjs in Chromium, through the bridge, to tgtd', () => {
  let tgtd: Tgtd;
  let bridge: RunningBridgeProcess;
  let b: BrowserHarness;
  let other: StaticServer | undefined;
  let where: Where;
  beforeAll(async () => {
    if (!have('tgtd')) throw new Error(`tgtd is not installed: run 'apt-get install -y tgt' (.ci/run does this).`);
    bundle();
    const web = readFileSync(join(root, 'dist/web.mjs'));
    const wasm = readFileSync(join(root, 'dist/core.wasm'));
    console.log(
      `dist/web.mjs ${web.length} bytes, ${gzipSync(web, { level: 9 }).length} gzipped; ` +
        `dist/core.wasm ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} gzipped`,
    );
    tgtd = await startTgtd([{ tid: 1, name: T, size: '64M' }]);
    b = await openBrowser();
    bridge = await startBridgeProcess({ allow: [tgtd.portals[0]], origins: [b.origin] });
    where = { bridge: bridge.url, token: bridge.token, target: T, portal: tgtd.portals[0] };
  }, 60000);
  afterEach(() => b?.assertClean());
  afterAll(async () => {
    await other?.close();
    await b?.close();
    await bridge?.stop();
    tgtd?.stop();
  });

  it('loadCore() compiles dist/core.wasm by compileStreaming, integrity-checked: the SIMD build', async () => {
    const build = await b.inPage(() => (window as unknown as PageWindow).iscsi.loadCore('/dist/core.wasm'), null);
    expect(build).toBe('simd');
  });

  it('logs in, reads the capacity, writes a pattern and reads it back the same', async () => {
    const out = await b.inPage(async (w: Where) => {
      const { createAdapter } = (window as unknown as PageWindow).iscsi;
      const a = createAdapter({ bridge: w.bridge, token: w.token });
      try {
        const { sessionId } = await a.loginToTarget({ target: w.target, portal: w.portal }).result();
        const disk = a.session(sessionId!)!;
        const cap = await disk.readCapacity(1);
        const data = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 131 + (i >> 9)) & 0xff);
        await disk.write(1, 4096, data);
        const back = await disk.read(1, 4096, data.length / 512);
        const same = back.length === data.length && back.every((x, i) => x === data[i]);
        const logout = await a.logoutFromTarget(w.target).wait();
        return { blocks: String(cap.blocks), blockSize: cap.blockSize, same, hr: logout.hr };
      } finally {
        await a.close();
      }
    }, where);
    expect(out).toEqual({ blocks: String(64 * 2048), blockSize: 512, same: true, hr: 0 });
    // What the page wrote is in tgtd's backing file.
    const file = readFileSync(tgtd.lunFile(1)).subarray(4096 * 512, 4096 * 512 + 4096);
    expect([...file]).toEqual(Array.from({ length: 4096 }, (_, i) => (i * 131 + (i >> 9)) & 0xff));
  });

  it('LogoutFromTarget with reads in flight drains them and ends S_OK, every session logged out', async () => {
    const out = await b.inPage(async (w: Where) => {
      const { createAdapter } = (window as unknown as PageWindow).iscsi;
      const a = createAdapter({ bridge: w.bridge, token: w.token });
      const events: string[] = [];
      a.on((e) => events.push(e.type));
      const ids: string[] = [];
      for (let i = 0; i < 2; i++) {
        ids.push((await a.loginToTarget({ target: w.target, portal: w.portal }).result()).sessionId!);
      }
      const reads = ids.flatMap((id) =>
        Array.from({ length: 16 }, (_, k) =>
          a.session(id)!.read(1, k * 256, 256).then(
            (d) => d.length,
            (e: Error) => `${e.name}: ${e.message}`,
          ))
      );
      const inflightAtLogout = a.sessions().reduce((n, s) => n + s.inflight, 0);
      const progress: number[] = [];
      const op = a.logoutFromTarget(w.target, { inflight: 'drain' });
      op.onProgress((p) => progress.push(p));
      const { hr, output } = await op.wait();
      const status = op.queryStatus();
      const read = await Promise.all(reads);
      await a.close();
      return {
        inflightAtLogout,
        hr,
        status,
        reasons: output.sessions.map((s) => s.reason),
        read,
        lastProgress: progress.at(-1),
        left: a.sessions().length,
        resources: a.resources(),
        events,
      };
    }, where);
    expect(out.inflightAtLogout).toBeGreaterThan(0);
    expect(out).toMatchObject({
      hr: 0,
      status: { hr: 0, percentCompleted: 100 },
      reasons: ['logged-out', 'logged-out'],
      lastProgress: 100,
      left: 0,
      resources: { sockets: 0, timers: 0 },
    });
    expect(out.read).toEqual(Array(32).fill(256 * 512));
    // Nothing went wrong on the way: the outcome is in the handle's output, not in a lost session.
    expect(out.events.filter((t) => /lost|error|recover/.test(t))).toEqual([]);
    expect(tgtd.sessions(T)).toBe(0);
  });

  it('a page of another origin is refused by the bridge (4405, BridgeError) and its login fails cleanly', async () => {
    other = await startStaticServer();
    expect(other.origin).not.toBe(b.origin);
    const page = await b.newPage(`${other.origin}/test/`);
    await page.waitForFunction('window.iscsi', undefined, { timeout: 15000 });
    const out = await b.inPage(
      async (w: Where) => {
        const { createAdapter, BridgeError } = (window as unknown as PageWindow).iscsi;
        const a = createAdapter({ bridge: w.bridge, token: w.token });
        const r = await a.loginToTarget({ target: w.target, portal: w.portal }).wait();
        const err = await a.loginToTarget({ target: w.target, portal: w.portal }).result().catch((e: Error) => e);
        // The host's own connect, to see the BridgeError the login's output describes.
        const { host } = (window as unknown as PageWindow).iscsi;
        const direct = await host({ bridge: w.bridge, token: w.token })
          .connect({ host: w.portal.split(':')[0], port: Number(w.portal.split(':')[1]) }, {
            onData() {},
            onEnd() {},
            onClose() {},
          })
          .then(() => null, (e: Error) => e);
        await a.close();
        return {
          hr: r.hr,
          output: JSON.stringify(r.output),
          sessions: a.sessions().length,
          resultError: err instanceof Error ? err.name : String(err),
          direct: direct &&
            {
              isBridgeError: direct instanceof BridgeError,
              closeCode: (direct as InstanceType<typeof BridgeError>).closeCode,
              closeName: (direct as InstanceType<typeof BridgeError>).closeName,
            },
          resources: a.resources(),
        };
      },
      where,
      page,
    );
    expect(out.hr).not.toBe(0);
    expect(out.output).toMatch(/4405 origin-not-allowed/);
    expect(out).toMatchObject({
      sessions: 0,
      resultError: 'IscsiError',
      direct: { isBridgeError: true, closeCode: 4405, closeName: 'origin-not-allowed' },
      resources: { sockets: 0, timers: 0 },
    });
    expect(bridge.log()).toContain(`origin ${other.origin} is not allowed`);
    expect(tgtd.sessions(T)).toBe(0);
    await page.close();
  });
});
