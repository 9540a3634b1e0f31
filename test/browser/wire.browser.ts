// The wire corpus (test/conformance/wire-scenarios.ts) with the adapter in headless Chromium: the
// page drives dist/web.mjs through a real bridge process; the recording proxy, the built-in target,
// tgtd and istgt stay in this process. Each transcript must match the one the socket hosts make,
// line for line (test/wire-conformance.test.ts). Vitest under Node only (see chromium.browser.ts).
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { startTarget } from 'iscsi-adapter/target';
import { type BrowserHarness, DEFAULT_MOUNTS, openBrowser } from '../helpers/browser.ts';
import { bundle, type RunningBridgeProcess, startBridgeProcess } from '../peers/bridge.ts';
import { freePort } from '../peers/daemon.ts';
import { WIRE_SCENARIOS } from '../conformance/wire-scenarios.ts';
import { runWireScenario } from '../conformance/wire-corpus.ts';
import { startWirePeers, type WirePeers } from '../conformance/wire-peers.ts';
import type { Driven } from '../conformance/wire-drive.ts';
import { firstDifference } from '../conformance/corpus.ts';

const root = resolve(new URL('../..', import.meta.url).pathname);
const pageDir = join(root, 'build/browser-wire');
const transcripts = join(root, 'test/conformance/transcripts/wire');
type Args = [string, string, string, string, string];

describe('the wire corpus in Chromium, through the bridge', () => {
  let peers: WirePeers;
  let b: BrowserHarness;
  let bridge: RunningBridgeProcess;
  let proxyPort: number;
  beforeAll(async () => {
    bundle();
    mkdirSync(pageDir, { recursive: true });
    await build({
      entryPoints: [join(root, 'test/browser/wire-page.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outfile: join(pageDir, 'wire-page.mjs'),
      logLevel: 'warning',
    });
    writeFileSync(
      join(pageDir, 'index.html'),
      '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">' +
        '<script type="module" src="/wire/wire-page.mjs"></script>',
    );
    peers = await startWirePeers();
    // Every scenario's proxy listens here in turn, so the bridge's allowlist can name it up front.
    proxyPort = await freePort();
    b = await openBrowser({
      mounts: { '/wire/': pageDir, ...DEFAULT_MOUNTS },
      path: '/wire/',
      ready: 'window.driveWire',
    });
    bridge = await startBridgeProcess({ allow: [`127.0.0.1:${proxyPort}`], origins: [b.origin] });
  }, 60000);
  afterEach(() => b?.assertClean());
  afterAll(async () => {
    await b?.close();
    await bridge?.stop();
    await peers?.stop();
  });

  const drive = (name: string, portal: string, target: string) =>
    b.inPage(
      (a: Args) => (window as unknown as { driveWire(...x: Args): Promise<Driven> }).driveWire(...a),
      [name, portal, target, bridge.url, bridge.token] as Args,
    );

  for (const name of Object.keys(WIRE_SCENARIOS)) {
    it(name, async () => {
      const got = await runWireScenario(name, { startTarget, ...peers, proxyPort, drive });
      const diff = firstDifference(readFileSync(join(transcripts, `${name}.txt`), 'utf8'), got);
      if (diff) throw new Error(`${name} in Chromium differs from its wire transcript at ${diff}\n--- got:\n${got}`);
    });
  }
});
