// `iscsi-adapter dd` as built, against tgtd: a 64 MiB file onto a LUN and back out equal to it
// (cmp), LUN to LUN, and the ways it refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, runCli } from './helpers/cli-run.ts';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { have, removeDir, tempDir } from './peers/daemon.ts';

const SIZE = 64 << 20;
const run = (args: string[]) => runCli(args, {}, 120000);
/** cmp(1)'s verdict: 0 the files are the same. */
const cmp = (a: string, b: string) => {
  try {
    execFileSync('cmp', ['-s', a, b]);
    return 0;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
};

describe('dd against tgtd', () => {
  let tgtd: Tgtd, work: string;
  const A = 'iqn.2026-11.test:dd-a', B = 'iqn.2026-11.test:dd-b';
  const url = (name: string, lun = 1) => `iscsi://${tgtd.portals[0]}/${name}/${lun}`;
  beforeAll(async () => {
    if (!have('tgtd')) throw new Error("tgtd is not installed: run 'apt-get install -y tgt' (.ci/run does this).");
    bundle();
    work = tempDir('iscsi-cli-dd-');
    tgtd = await startTgtd([{ tid: 1, name: A, size: '64M' }, { tid: 2, name: B, size: '64M' }]);
  }, 60000);
  afterAll(() => {
    tgtd?.stop();
    if (work) removeDir(work);
  });

  it('a 64 MiB file to the LUN and back: cmp finds the copy, the LUN and the file equal', async () => {
    const src = join(work, 'in.img'), back = join(work, 'back.img');
    const bytes = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i += 4) new DataView(bytes.buffer).setUint32(i, Math.imul(i, 2654435761) >>> 0);
    writeFileSync(src, bytes);
    const up = await run(['dd', '--if', src, '--of', url(A), '--verify']);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^67108864 bytes \(64\.0 MiB\) copied and verified, [\d.]+ s, [\d.]+ MiB\/s$/m);
    const down = await run(['dd', '--if', url(A), '--of', back, '--bs', '65536', '--depth', '32']);
    expect(down.code).toBe(0);
    expect(cmp(src, back)).toBe(0);
    expect(cmp(src, tgtd.lunFile(1))).toBe(0);
    // Not a terminal: no progress line on stderr.
    expect(down.stderr).toBe('');
  });

  it('LUN to LUN with --count: only bs x count bytes are copied', async () => {
    writeFileSync(tgtd.lunFile(2), new Uint8Array(SIZE)); // B starts zeroed
    const r = await run(['dd', '--if', url(A), '--of', url(B), '--bs', '4096', '--count', '5', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ if: url(A), of: url(B), bytes: 20480, verified: false });
    const a = readFileSync(tgtd.lunFile(1)), b = readFileSync(tgtd.lunFile(2));
    expect(Buffer.compare(a.subarray(0, 20480), b.subarray(0, 20480))).toBe(0);
    expect(b.subarray(20480, 20480 + 4096).every((x) => x === 0)).toBe(true);
  });

  it('a file that is not whole blocks is refused and nothing is written', async () => {
    const odd = join(work, 'odd.img');
    writeFileSync(odd, new Uint8Array(1000));
    const before = readFileSync(tgtd.lunFile(2)).subarray(0, 1024);
    const r = await run(['dd', '--if', odd, '--of', url(B)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1000 bytes is not a whole number of 512-byte blocks/);
    expect(Buffer.compare(readFileSync(tgtd.lunFile(2)).subarray(0, 1024), before)).toBe(0);
  });

  it('a LUN that does not exist: exit 4 naming the LUNs there are', async () => {
    const r = await run(['dd', '--if', url(A, 7), '--of', join(work, 'x.img')]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/LUN 7 does not exist on iqn\.2026-11\.test:dd-a \(its LUNs: 0, 1\)/);
  });

  it('usage errors exit 2: no --of, --count without --bs, two files', async () => {
    expect((await run(['dd', '--if', url(A)])).code).toBe(2);
    expect((await run(['dd', '--if', url(A), '--of', '/dev/null', '--count', '3'])).stderr).toMatch(/--bs/);
    const two = await run(['dd', '--if', '/dev/zero', '--of', '/dev/null']);
    expect([two.code, two.stderr]).toEqual([2, expect.stringMatching(/must be an iscsi:\/\/ URL/)]);
  });

  it('a password in a URL never reaches the output', async () => {
    const r = await run(['dd', '--if', `iscsi://alice%s3cret-pw@${tgtd.portals[0]}/${A}/1`, '--of', '/dev/null']);
    expect(r.code).not.toBe(0); // tgtd has no CHAP account for this target
    expect(r.stdout + r.stderr).not.toContain('s3cret-pw');
  });

  it('to /dev/null: a destination that cannot be synced is fine', async () => {
    const r = await run(['dd', '--if', url(A), '--of', '/dev/null', '--bs', '1048576', '--count', '4']);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });
});
