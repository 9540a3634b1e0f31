// SCSI I/O against real targets (docs/io.md): data written through the library is checked in
// the target's own backing file; logout with commands in flight never loses an acknowledged write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { type Adapter, createAdapter, hrName, ScsiError, type Session } from 'iscsi-adapter';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { type Istgt, startIstgt } from './peers/istgt.ts';
import { have } from './peers/daemon.ts';

const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 9)) & 0xff);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
function requireDaemon(cmd: string, pkg: string) {
  if (!have(cmd)) throw new Error(`${cmd} is not installed: run 'apt-get install -y ${pkg}' (.ci/run does this).`);
}
async function open(a: Adapter, target: string, portal: string, opts = {}): Promise<Session> {
  const out = await a.loginToTarget({ target, portal, ...opts }).result({ timeoutMs: 10000 });
  return a.session(out.sessionId!)!;
}
async function closeAll(a: Adapter) {
  await a.close();
  expect(a.resources()).toEqual({ sockets: 0, timers: 0 });
}

describe('tgtd I/O', () => {
  let tgtd: Tgtd;
  const IO = 'iqn.2026-11.test:io', DIG = 'iqn.2026-11.test:io-digest';
  beforeAll(async () => {
    requireDaemon('tgtd', 'tgt');
    tgtd = await startTgtd([{ tid: 1, name: IO }, { tid: 2, name: DIG, digests: true }]);
  });
  afterAll(() => tgtd?.stop());
  const file = (tid: number, at: number, n: number) =>
    new Uint8Array(readFileSync(tgtd.lunFile(tid))).subarray(at, at + n);

  it('INQUIRY, READ CAPACITY and REPORT LUNS describe the backing file', async () => {
    const a = createAdapter();
    const d = await open(a, IO, tgtd.portals[0]);
    expect(await d.reportLuns()).toEqual([0, 1]);
    expect(await d.readCapacity(1)).toEqual({ blocks: 32768n, blockSize: 512 });
    const inq = await d.inquiry(1);
    expect(inq).toMatchObject({ peripheralType: 0, vendor: 'IET', product: 'VIRTUAL-DISK' });
    expect(inq.serial).toMatch(/\S/);
    await closeAll(a);
  });

  it('what the library writes is in the backing file, and reads back the same', async () => {
    const a = createAdapter();
    const d = await open(a, IO, tgtd.portals[0]);
    const data = pattern(3 << 20, 1); // 3 MiB: immediate data, then several R2T bursts
    await d.write(1, 2048, data);
    expect(same(file(1, 2048 * 512, data.length), data)).toBe(true);
    expect(same(await d.read(1, 2048, data.length / 512), data)).toBe(true);
    await closeAll(a);
  });

  it('with header and data digests, data goes both ways intact', async () => {
    const a = createAdapter();
    const d = await open(a, DIG, tgtd.portals[0], { headerDigest: true, dataDigest: true });
    const data = pattern(600 * 512, 2);
    await d.write(1, 0, data);
    expect(same(file(2, 0, data.length), data)).toBe(true);
    expect(same(await d.read(1, 0, 600), data)).toBe(true);
    await closeAll(a);
  });

  it('a read past the end is ILLEGAL REQUEST and the session keeps working', async () => {
    const a = createAdapter();
    const d = await open(a, IO, tgtd.portals[0]);
    const err = await d.read(1, 32767, 2).catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.senseKey).toBe(5);
    expect(err.message).toMatch(/^ILLEGAL REQUEST/);
    expect((await d.read(1, 32767, 1)).length).toBe(512);
    await closeAll(a);
  });

  it('drain: 64 writes in flight, then LogoutFromTarget: every write acknowledged and in the file', async () => {
    const a = createAdapter();
    const d = await open(a, IO, tgtd.portals[0]);
    await d.readCapacity(1);
    const writes = Array.from({ length: 64 }, (_, i) => d.write(1, 8192 + i * 16, pattern(8192, 100 + i)));
    expect(d.inflight).toBe(64);
    const { hr, output } = await a.logoutFromTarget(IO).wait();
    expect(hrName(hr)).toBe('S_OK');
    expect(output.sessions[0]).toMatchObject({ reason: 'logged-out', commandsDrained: 64, commandsAborted: 0 });
    const results = await Promise.allSettled(writes);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    for (let i = 0; i < 64; i++) expect(same(file(1, (8192 + i * 16) * 512, 8192), pattern(8192, 100 + i))).toBe(true);
    await closeAll(a);
  });

  it('abort: no write reported successful is missing from the file, and every failed one says why', async () => {
    const a = createAdapter();
    const d = await open(a, IO, tgtd.portals[0]);
    await d.readCapacity(1);
    const each = Array.from({ length: 64 }, (_, i) => d.write(1, 16384 + i * 16, pattern(8192, 200 + i)));
    // Settled as they end: a rejected write is an expected outcome here, not an unhandled one.
    const writes = Promise.allSettled(each);
    await Promise.race(each); // some are acknowledged, most still in flight
    const { output } = await a.logoutFromTarget(IO, { inflight: 'abort' }).wait();
    expect(output.sessions[0].reason).toBe('logged-out');
    const results = await writes;
    expect(output.sessions[0].commandsAborted).toBe(results.filter((r) => r.status === 'rejected').length);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        expect(same(file(1, (16384 + i * 16) * 512, 8192), pattern(8192, 200 + i))).toBe(true);
      } else expect((r.reason as { reason: string }).reason).toBe('aborted-by-logout');
    });
    await closeAll(a);
  });

  it('refuse: a session with commands in flight stays logged in (busy); the idle one logs out', async () => {
    const a = createAdapter();
    const busy = await open(a, IO, tgtd.portals[0]);
    await open(a, IO, tgtd.portals[1]);
    await busy.readCapacity(1);
    const writes = Array.from({ length: 8 }, (_, i) => busy.write(1, i * 16, pattern(8192, i)));
    const { hr, output } = await a.logoutFromTarget(IO, { inflight: 'refuse' }).wait();
    expect(hrName(hr)).toBe('VDS_E_ISCSI_LOGOUT_INCOMPLETE');
    expect(output.sessions.map((s) => s.reason).sort()).toEqual(['busy', 'logged-out']);
    expect((await Promise.allSettled(writes)).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(tgtd.sessions(IO, a.name)).toBe(1);
    await closeAll(a);
  });
});

describe('iscsi-adapter probe beside libiscsi', () => {
  let tgtd: Tgtd;
  const NAME = 'iqn.2026-11.test:probe';
  const root = resolve(new URL('..', import.meta.url).pathname);
  beforeAll(async () => {
    requireDaemon('tgtd', 'tgt');
    requireDaemon('iscsi-inq', 'libiscsi-bin');
    execFileSync('node', [join(root, 'scripts/bundle.mjs')], { cwd: root });
    tgtd = await startTgtd([{ tid: 1, name: NAME }]);
  }, 60000);
  afterAll(() => tgtd?.stop());

  it('agrees with iscsi-inq and iscsi-readcapacity16 on vendor, product, revision, serial and capacity', async () => {
    const url = `iscsi://${tgtd.portals[0]}/${NAME}/1`;
    const tool = (cmd: string, ...args: string[]) => execFileSync(cmd, [...args, url]).toString();
    const field = (text: string, name: string) =>
      new RegExp(`^${name}:\\[?\\s*(.*?)\\s*\\]?\\s*$`, 'm').exec(text)?.[1];
    const inq = tool('iscsi-inq'),
      serial = tool('iscsi-inq', '-e', '1', '-c', '128'),
      cap = tool('iscsi-readcapacity16');
    const probe = JSON.parse(
      await new Promise<string>((done, fail) =>
        execFile(
          'node',
          [join(root, 'dist/cli.mjs'), 'probe', '--portal', tgtd.portals[0], '--target', NAME, '--json'],
          (e, out) => e ? fail(e) : done(out),
        )
      ),
    );
    const lun1 = probe.luns.find((l: { lun: number }) => l.lun === 1);
    expect(lun1).toMatchObject({
      type: 'disk',
      vendor: field(inq, 'Vendor'),
      product: field(inq, 'Product'),
      revision: field(inq, 'Revision'),
      serial: field(serial, 'Unit Serial Number'),
      blocks: String(Number(field(cap, 'RETURNED LOGICAL BLOCK ADDRESS')) + 1),
      blockSize: Number(field(cap, 'LOGICAL BLOCK LENGTH IN BYTES')),
    });
    expect(probe.luns.map((l: { lun: number }) => l.lun)).toEqual([0, 1]);
  });
});

describe('istgt I/O', () => {
  let istgt: Istgt;
  beforeAll(async () => {
    requireDaemon('istgt', 'istgt');
    istgt = await startIstgt([{ name: 'disk', auth: 'Auto' }]);
  });
  afterAll(async () => await istgt?.stop());

  it('writes land in the backing file and read back the same', async () => {
    const a = createAdapter();
    const d = await open(a, istgt.targetName('disk'), istgt.portal);
    const cap = await d.readCapacity(0);
    expect(cap.blockSize).toBe(512);
    const data = pattern(1 << 20, 9);
    await d.write(0, 4096, data);
    expect(same(new Uint8Array(readFileSync(istgt.lunFile(1))).subarray(4096 * 512, 4096 * 512 + data.length), data))
      .toBe(true);
    expect(same(await d.read(0, 4096, data.length / 512), data)).toBe(true);
    await closeAll(a);
  });
});
