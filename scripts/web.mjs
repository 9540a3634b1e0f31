// `npm run web`: the browser console (examples/web) against the built-in target, all on
// loopback: bundles, starts the built-in target with two demo disks, `iscsi-adapter bridge` with a
// fresh random token (a 0600 file in a temp directory) that allows only that target's portal and
// only the console's origin, and a static server for examples/web and dist/. Prints the console's
// URL, the token in its fragment (a fragment never reaches a server or its logs); Ctrl-C stops it.
// startWeb() is the same without the bundling, for the test that drives the console.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const DEMO_TARGET = 'iqn.2026-11.dev.iscsi-adapter:web-demo';
export const SCRATCH_TARGET = 'iqn.2026-11.dev.iscsi-adapter:web-scratch';
/** What sector 0 of the demo disk starts with (a boot-sector signature 55 AA ends it). */
export const DEMO_LABEL = 'iscsi-adapter web console: sector 0 of the demo disk, served by the built-in target.';

/** Sector 0 of the demo disk: the label, a byte ramp to make the hex dump worth reading, 55 AA. */
function demoSector() {
  const s = new Uint8Array(512);
  s.set(new TextEncoder().encode(DEMO_LABEL), 0);
  for (let i = 128; i < 384; i++) s[i] = i - 128;
  s[510] = 0x55;
  s[511] = 0xaa;
  return s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The bridge as a child process; resolves once it says where it listens. */
function startBridge({ portal, origins, tokenFile, log }) {
  const cli = join(root, 'dist/cli.mjs');
  const args = ['bridge', '--listen', '127.0.0.1:0', '--allow', portal, '--token-file', tokenFile];
  args.push('--origin', origins.join(','));
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    for (const line of d.split('\n').filter(Boolean)) log(`bridge: ${line}`);
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the bridge did not start within 15 s:\n${stderr}`));
    }, 15000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /bridge listening on (wss?:\/\/\S+),/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        pid: child.pid,
        // SIGTERM, then SIGKILL when it has not exited within 5 s.
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          if ((await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])) === false) {
            child.kill('SIGKILL');
            await exited;
          }
        },
      });
    });
    exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`the bridge exited (${how}) before listening:\n${stderr}`));
    });
  });
}

/** Everything `npm run web` runs, started on free loopback ports; dist/ must be built. */
export async function startWeb({ port = 0, log = (line) => console.log(line) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'iscsi-web-'));
  const stops = [async () => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stops.splice(0).reverse()) await s().catch((e) => log(`stopping: ${e.message}`));
  };
  try {
    const disk = join(dir, 'demo.img');
    writeFileSync(disk, demoSector());
    const { startTarget } = await import(pathToFileURL(join(root, 'dist/target.mjs')).href);
    const target = await startTarget({
      targets: [
        { name: DEMO_TARGET, lun: { file: disk, size: 16 << 20 } },
        { name: SCRATCH_TARGET, lun: { size: 8 << 20 } },
      ],
    });
    stops.push(() => target.close());
    const server = await startStaticServer({ '/dist/': join(root, 'dist'), '/': join(root, 'examples/web') }, {
      port,
    });
    stops.push(() => server.close());
    const token = randomBytes(24).toString('base64url');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    chmodSync(tokenFile, 0o600);
    // The page may be opened as localhost too: the same server, another Origin.
    const origins = [server.origin, `http://localhost:${server.port}`];
    const bridge = await startBridge({ portal: target.portal, origins, tokenFile, log });
    stops.push(() => bridge.stop());
    const fragment = new URLSearchParams({ bridge: bridge.url, token, portal: target.portal });
    return {
      url: `${server.origin}/#${fragment}`,
      origin: server.origin,
      bridge: bridge.url,
      token,
      portal: target.portal,
      sessions: () => target.sessions(),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function main() {
  execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'inherit' });
  const port = Number(process.argv.find((a) => a.startsWith('--port='))?.slice(7) ?? 0);
  const web = await startWeb({ port });
  console.log(`built-in target on ${web.portal}: ${DEMO_TARGET}, ${SCRATCH_TARGET}`);
  console.log(`bridge on ${web.bridge} (only ${web.portal}, only pages from ${web.origin})`);
  console.log(`\nOpen the console (the token is in the fragment, which the browser never sends):\n\n  ${web.url}\n`);
  console.log('Ctrl-C stops everything.');
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log('\nstopping ...');
    await web.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`npm run web: ${e.stack ?? e}`);
    process.exit(1);
  });
}
