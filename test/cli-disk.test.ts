// The disk commands (ls, inq, readcap, read, write) run as built, beside libiscsi's own tools
// against tgtd and istgt: the same lines, the same bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTarget } from 'iscsi-adapter/target';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { type Istgt, startIstgt } from './peers/istgt.ts';
import { have, removeDir, tempDir } from './peers/daemon.ts';
import { until } from './helpers/env.ts';

const root = resolve(new URL('..', import.meta.url).pathname);
const cli = join(root, 'dist/cli.mjs');
interface Ran {
  code: number;
  stdout: Buffer;
  stderr: string;
}
/** The command, without blocking this process; stdout as bytes (read writes blocks there). */
const run = (args: string[], env: Record<string, string> = {}): Promise<Ran> =>
  new Promise((done) =>
    execFile(
      'node',
      [cli, ...args],
      { env: { ...process.env, ...env }, timeout: 60000, encoding: 'buffer', maxBuffer: 64 << 20 },
      (err, stdout, stderr) =>
        done({ code: err ? (err as { code?: number }).code ?? 1 : 0, stdout, stderr: stderr.toString() }),
    )
  );
const text = (r: Ran) => r.stdout.toString();
/** A libiscsi tool's stdout; it fails the test when the tool fails. */
const tool = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { timeout: 20000 }).toString();
const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 9)) & 0xff);
const fileBytes = (path: string, at: number, n: number) => new Uint8Array(readFileSync(path)).subarray(at, at + n);
/** Where two byte strings first differ (the shorter one's length if one is a prefix), or -1:
 *  toEqual on megabytes takes seconds, and this failure says where. */
function difference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
function requireTool(cmd: string, pkg: string) {
  if (!have(cmd)) throw new Error(`${cmd} is not installed: run 'apt-get install -y ${pkg}' (.ci/run does this).`);
}
/** iscsi-ls's output as its blocks (a Target line and its LUN lines), sorted: libiscsi lists the
 *  targets in the reverse of the order SendTargets gave them, we in that order. */
const blocks = (out: string) =>
  out.trim().split(/\n(?=Target:)/).map((b) => b.replace(/\(Size:\d+.\)/g, '(Size:)')).sort();

let work: string;
beforeAll(() => {
  requireTool('iscsi-ls', 'libiscsi-bin');
  execFileSync('node', [join(root, 'scripts/bundle.mjs')], { cwd: root });
  work = tempDir('iscsi-cli-disk-');
}, 60000);
afterAll(() => removeDir(work));

describe('disk commands against tgtd, beside libiscsi', () => {
  let tgtd: Tgtd;
  const NAME = 'iqn.2026-11.test:cli-disk', OTHER = 'iqn.2026-11.test:cli-other';
  const url = (lun = 1) => `iscsi://${tgtd.portals[0]}/${NAME}/${lun}`;
  beforeAll(async () => {
    requireTool('tgtd', 'tgt');
    tgtd = await startTgtd([{ tid: 1, name: NAME }, { tid: 2, name: OTHER }]);
  });
  afterAll(() => tgtd?.stop());

  it('ls --show-luns lists what iscsi-ls -s lists: targets, portals, LUNs and their types', async () => {
    const theirs = tool('iscsi-ls', '-s', `iscsi://${tgtd.portals[0]}`);
    const ours = await run(['ls', `iscsi://${tgtd.portals[0]}`, '--show-luns']);
    expect(ours.code).toBe(0);
    expect(blocks(text(ours))).toEqual(blocks(theirs));
    expect(text(ours)).toMatch(/^Target:iqn\.2026-11\.test:cli-other Portal:127\.0\.0\.1:\d+,1$/m);
  });

  it("ls gives a disk's size from its capacity: 16 MiB is 16M (iscsi-ls counts one block short: 15M)", async () => {
    const ours = await run(['ls', `iscsi://${tgtd.portals[0]}`, '--show-luns']);
    expect(text(ours).match(/^Lun:1 {4}Type:DIRECT_ACCESS \(Size:16M\)$/gm)).toHaveLength(2); // one per target
  });

  it('ls --json: every target with the portals SendTargets gave, their tags and LUNs', async () => {
    const r = await run(['ls', `iscsi://${tgtd.portals[0]}`, '--show-luns', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(text(r));
    const disk = out.targets.find((t: { name: string }) => t.name === NAME);
    expect(disk.portals).toHaveLength(1); // tgtd answers with the portal the discovery came in on
    expect(disk.portals[0]).toMatchObject({
      portal: tgtd.portals[0],
      tag: 1,
      luns: [
        { lun: 0, type: 'STORAGE_ARRAY_CONTROLLER' },
        { lun: 1, type: 'DIRECT_ACCESS', blocks: '32768', blockSize: 512, bytes: String(16 << 20) },
      ],
    });
  });

  it('inq prints the standard page as iscsi-inq does, line for line', async () => {
    const r = await run(['inq', url()]);
    expect(r.code).toBe(0);
    expect(text(r)).toBe(tool('iscsi-inq', url()));
  });

  it('inq of LUN 0 (the controller) too', async () => {
    expect(text(await run(['inq', url(0)]))).toBe(tool('iscsi-inq', url(0)));
  });

  it('inq --evpd lists the supported VPD pages as iscsi-inq -e 1 -c 0', async () => {
    expect(text(await run(['inq', url(), '--evpd']))).toBe(tool('iscsi-inq', '-e', '1', '-c', '0', url()));
  });

  it('inq --page 0x80 prints the unit serial number as iscsi-inq -e 1 -c 128', async () => {
    expect(text(await run(['inq', url(), '--page', '0x80']))).toBe(tool('iscsi-inq', '-e', '1', '-c', '128', url()));
  });

  for (const [page, code] of [['0xb0', '176'], ['0xb1', '177'], ['0xb2', '178']]) {
    it(`inq --page ${page} prints the page as iscsi-inq -e 1 -c ${code}, line for line`, async () => {
      const r = await run(['inq', url(), '--page', page]);
      expect(r.code).toBe(0);
      expect(text(r)).toBe(tool('iscsi-inq', '-e', '1', '-c', code, url()));
    });
  }

  it('inq --page 0x83: the designators iscsi-inq -e 1 -c 131 lists, binary ones as naa. text', async () => {
    const ours = text(await run(['inq', url(), '--page', '0x83']));
    const theirs = tool('iscsi-inq', '-e', '1', '-c', '131', url());
    const head = (t: string) => t.split('\n').slice(0, 3);
    expect(head(ours)).toEqual(head(theirs));
    // Each designator's lines but the value; libiscsi lists them last first and spells T10_VENDORT_ID.
    const blocks = (t: string) =>
      t.split(/DEVICE DESIGNATOR #\d+\n/).slice(1).map((b) =>
        b.replace('T10_VENDORT_ID', 'T10_VENDOR_ID').replace(/^Designator:.*$/m, '').trim()
      ).sort();
    expect(blocks(ours)).toEqual(blocks(theirs));
    const ascii = (t: string) => [...t.matchAll(/ASCII[\s\S]*?Designator:\[(.*)\]/g)].map((m) => m[1]);
    expect(ascii(ours)).toEqual(ascii(theirs));
    expect(ours).toMatch(/^Designator:\[naa\.[0-9A-F]{16,32}\]$/m);
  });

  it('inq --json: the standard fields with their values', async () => {
    const r = await run(['inq', url(), '--json']);
    const std = JSON.parse(text(r)).standard;
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(tool('iscsi-inq', url()))![1];
    expect(std).toMatchObject({
      deviceType: 0,
      vendor: field('Vendor').trim(),
      product: field('Product').trim(),
      revision: field('Revision').trim(),
      version: Number(field('Version').split(' ')[0]),
      cmdQue: field('CmdQue') === '1',
    });
  });

  it('readcap prints what iscsi-readcapacity16 prints, line for line', async () => {
    const r = await run(['readcap', url()]);
    expect(r.code).toBe(0);
    expect(text(r)).toBe(tool('iscsi-readcapacity16', url()));
  });

  it('read to stdout brings the bytes of the backing file', async () => {
    const data = pattern(64 * 512, 1);
    const file = tgtd.lunFile(1);
    const all = new Uint8Array(readFileSync(file));
    all.set(data, 300 * 512);
    writeFileSync(file, all);
    const r = await run(['read', url(), '--lba', '300', '--blocks', '64']);
    expect(r.code).toBe(0);
    expect(difference(new Uint8Array(r.stdout), data)).toBe(-1);
  });

  it('read --out of more than one command (3 MiB) equals the backing file', async () => {
    const out = join(work, 'tgtd-read.bin');
    const r = await run(['read', url(), '--lba', '1000', '--blocks', '6144', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(text(r))).toMatchObject({ lba: '1000', blocks: 6144, blockSize: 512, bytes: 3 << 20 });
    expect(difference(new Uint8Array(readFileSync(out)), fileBytes(tgtd.lunFile(1), 1000 * 512, 3 << 20))).toBe(-1);
  });

  it('write puts a file (2 MiB and a block) in the backing file, and read brings it back', async () => {
    const data = pattern((2 << 20) + 512, 2);
    const src = join(work, 'tgtd-write.bin');
    writeFileSync(src, data);
    const w = await run(['write', url(), '--lba', '4096', src]);
    expect(w.code).toBe(0);
    expect(text(w)).toMatch(/^wrote 4097 block\(s\) of 512 bytes from .* at LBA 4096$/m);
    expect(difference(fileBytes(tgtd.lunFile(1), 4096 * 512, data.length), data)).toBe(-1);
    const r = await run(['read', url(), '--lba', '4096', '--blocks', '4097']);
    expect(difference(new Uint8Array(r.stdout), data)).toBe(-1);
  });

  it('write of a file that is not a whole number of blocks is bad usage (2), said with the sizes', async () => {
    const src = join(work, 'odd.bin');
    writeFileSync(src, pattern(1000, 3));
    const r = await run(['write', url(), '--lba', '0', src]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/odd\.bin is 1000 bytes, not a whole number of 512-byte blocks \(488 bytes over\)$/m);
  });

  it('a read past the end of the LUN is bad usage (2), said with its capacity', async () => {
    const r = await run(['read', url(), '--lba', '32760', '--blocks', '9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /LBA 32760 \+ 9 block\(s\) runs past the end of the LUN: it has 32768 blocks of 512 bytes \(last LBA 32767\)/,
    );
    expect(r.stdout.length).toBe(0);
  });

  it('a LUN that does not exist exits 4 and names the LUNs there are', async () => {
    const r = await run(['readcap', url(7)]);
    expect(r.code).toBe(4);
    expect(r.stderr.trim()).toBe(`iscsi-adapter: LUN 7 does not exist on ${NAME} (its LUNs: 0, 1)`);
  });

  it('every command logs out: tgtd holds no session after them', async () => {
    await run(['inq', url()]);
    await run(['readcap', url()]);
    await run(['ls', `iscsi://${tgtd.portals[0]}`, '--show-luns']);
    expect(tgtd.sessions(NAME) + tgtd.sessions(OTHER)).toBe(0);
  });
});

describe('disk commands with CHAP (tgtd)', () => {
  let tgtd: Tgtd;
  const NAME = 'iqn.2026-11.test:cli-chap', SECRET = 'Right-Secret-4711', WRONG = 'Wrong-Secret-0815';
  const url = (secret: string) => `iscsi://alice%${secret}@${tgtd.portals[0]}/${NAME}/1`;
  beforeAll(async () => {
    requireTool('tgtd', 'tgt');
    tgtd = await startTgtd([{ tid: 1, name: NAME, chap: { user: 'alice', secret: SECRET } }]);
  });
  afterAll(() => tgtd?.stop());

  it('the password in the URL logs in; readcap agrees with iscsi-readcapacity16 given the same URL', async () => {
    const r = await run(['readcap', url(SECRET)]);
    expect(r.code).toBe(0);
    expect(text(r)).toBe(tool('iscsi-readcapacity16', url(SECRET)));
  });

  it('the password from LIBISCSI_CHAP_PASSWORD, the user in the URL', async () => {
    const r = await run(['readcap', `iscsi://alice@${tgtd.portals[0]}/${NAME}/1`], { LIBISCSI_CHAP_PASSWORD: SECRET });
    expect(r.code).toBe(0);
    expect(text(r)).toMatch(/^Total size:16777216$/m);
  });

  it('a wrong password exits 3 with the target status, and is not echoed', async () => {
    const r = await run(['inq', url(WRONG)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/auth-failed, target status 0x0201$/m);
    expect(r.stderr).toContain(`login to ${NAME} at ${tgtd.portals[0]} failed`);
    expect(text(r) + r.stderr).not.toContain(WRONG);
  });

  it('a wrong password with --json: the URL in the JSON has it as ***', async () => {
    const r = await run(['inq', url(WRONG), '--json']);
    expect(r.code).toBe(3);
    const out = JSON.parse(text(r));
    expect(out.url).toBe(`iscsi://alice%***@${tgtd.portals[0]}/${NAME}/1`);
    expect(out.error).toMatch(/auth-failed/);
    expect(text(r) + r.stderr).not.toContain(WRONG);
  });

  it('a bad URL with a password: bad usage (2), the fault named, the password not echoed', async () => {
    const r = await run(['inq', `iscsi://alice%${WRONG}@${tgtd.portals[0]}/${NAME}/one`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /the LUN must be a whole number from 0 to 16383, not "one", in the URL iscsi:\/\/alice%\*\*\*@/,
    );
    expect(r.stderr).not.toContain(WRONG);
  });

  it('a password only in the environment is never echoed either, even as a target name', async () => {
    const r = await run(['inq', `iscsi://alice@${tgtd.portals[0]}/${SECRET}/1`, '--json'], {
      ISCSI_CHAP_SECRET: SECRET,
    });
    expect(r.code).toBe(2); // not an iSCSI name
    expect(JSON.parse(text(r)).error).toMatch(/target is not an iSCSI name/);
    expect(text(r) + r.stderr).not.toContain(SECRET);
  });
});

describe('disk commands against istgt, beside libiscsi', () => {
  let istgt: Istgt;
  const url = () => `iscsi://${istgt.portal}/${istgt.targetName('disk')}/0`;
  beforeAll(async () => {
    requireTool('istgt', 'istgt');
    istgt = await startIstgt([{ name: 'disk', auth: 'Auto' }]);
  });
  afterAll(async () => await istgt?.stop());

  // iscsi-ls -s hangs in istgt's SendTargets (docs/testing.md): the listing is checked against
  // the configuration and iscsi-readcapacity16 instead.
  it('ls --show-luns lists the target and its 32 MB disk at LUN 0', async () => {
    const r = await run(['ls', `iscsi://${istgt.portal}`, '--show-luns']);
    expect(r.code).toBe(0);
    const total = Number(/^Total size:(\d+)$/m.exec(tool('iscsi-readcapacity16', url()))![1]);
    expect(total).toBe(32 << 20);
    expect(text(r)).toBe(
      `Target:${istgt.targetName('disk')} Portal:${istgt.portal},1\nLun:0    Type:DIRECT_ACCESS (Size:32M)\n`,
    );
  });

  it('inq prints the standard page as iscsi-inq does, line for line', async () => {
    expect(text(await run(['inq', url()]))).toBe(tool('iscsi-inq', url()));
  });

  it('inq --page 128 prints the serial number as iscsi-inq -e 1 -c 128', async () => {
    expect(text(await run(['inq', url(), '--page', '128']))).toBe(tool('iscsi-inq', '-e', '1', '-c', '128', url()));
  });

  it('inq --evpd lists the supported VPD pages as iscsi-inq -e 1 -c 0', async () => {
    expect(text(await run(['inq', url(), '--evpd']))).toBe(tool('iscsi-inq', '-e', '1', '-c', '0', url()));
  });

  it('readcap prints what iscsi-readcapacity16 prints, line for line', async () => {
    expect(text(await run(['readcap', url()]))).toBe(tool('iscsi-readcapacity16', url()));
  });

  it('write lands in the backing file; read brings back what was written', async () => {
    const data = pattern(5 << 20, 4);
    const src = join(work, 'istgt-write.bin'), out = join(work, 'istgt-read.bin');
    writeFileSync(src, data);
    // istgt now and then closes the connection instead of answering the Logout right after a
    // burst of writes (seen in tshark: Logout, then its FIN); the CLI says so as a warning only.
    const istgtLogout = /^warning: logout from .*: connection-lost-before-response\n/m;
    const w = await run(['write', url(), '--lba', '2048', src]);
    expect({ code: w.code, stderr: w.stderr.replace(istgtLogout, '') }).toEqual({ code: 0, stderr: '' });
    expect(difference(fileBytes(istgt.lunFile(1), 2048 * 512, data.length), data)).toBe(-1);
    const r = await run(['read', url(), '--lba', '2048', '--blocks', String(data.length / 512), '--out', out]);
    expect(r.code).toBe(0);
    // 5 MiB would show progress, but stderr is a pipe here, not a terminal.
    expect(r.stderr.replace(istgtLogout, '')).toBe('');
    expect(difference(new Uint8Array(readFileSync(out)), data)).toBe(-1);
  });

  it('a LUN that does not exist exits 4', async () => {
    const r = await run(['inq', `iscsi://${istgt.portal}/${istgt.targetName('disk')}/3`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/LUN 3 does not exist on iqn\.2026-11\.dev\.istgt:disk \(its LUNs: 0\)/);
  });
});

describe('disk commands and a logout that fails', () => {
  it('the work stands (exit 0) and the logout failure is a warning on stderr and in the JSON', async () => {
    const name = 'iqn.2026-11.dev.cli:closes-on-logout';
    const t = await startTarget({ targets: [{ name, fault: 'fin' }] });
    try {
      const url = `iscsi://${t.portal}/${name}/0`;
      const r = await run(['readcap', url]);
      expect(r.code).toBe(0);
      expect(text(r)).toMatch(/^RETURNED LOGICAL BLOCK ADDRESS:16383$/m);
      expect(r.stderr).toMatch(
        new RegExp(
          `^warning: logout from ${name}: VDS_E_ISCSI_LOGOUT_FAILED .*: connection-lost-before-response$`,
          'm',
        ),
      );
      const j = await run(['readcap', url, '--json']);
      expect(j.code).toBe(0);
      expect(JSON.parse(text(j)).logout).toEqual({
        hr: 'VDS_E_ISCSI_LOGOUT_FAILED',
        reasons: ['connection-lost-before-response'],
      });
    } finally {
      await t.close();
    }
  });
});

describe('disk commands and Ctrl-C', () => {
  it('Ctrl-C during a read the target never answers exits 130, bounded, saying what it does', async () => {
    const name = 'iqn.2026-11.dev.cli:stalled-read';
    const t = await startTarget({ targets: [{ name, fault: 'stall-after-data' }] });
    const child = spawn('node', [cli, 'read', `iscsi://${t.portal}/${name}/0`, '--lba', '0', '--blocks', '8']);
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.stdout.resume();
    const exited = new Promise<number>((done) => child.on('exit', (code) => done(code ?? -1)));
    const reads = () => t.received.filter((p) => p.opcode === 0x01 && p.bhs[32] === 0x28).length;
    await until(() => reads() > 0, 20000, 'the READ to reach the target');
    process.kill(child.pid!, 'SIGINT');
    expect(await exited).toBe(130);
    await t.close();
    expect(t.received.filter((p) => p.opcode === 0x06)).toHaveLength(1); // the session's Logout
    expect(stderr.trim().split('\n')).toEqual([
      'interrupted: logging out what is open (Ctrl-C again to quit at once)',
      'iscsi-adapter: interrupted: every session is logged out',
    ]);
  }, 30000);
});
