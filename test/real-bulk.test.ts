// Bulk transfers against tgtd (docs/io.md, "Bulk transfers"): a file copied onto a LUN is in the
// target's backing file byte for byte, and the LUN copied back out is the same file again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copy, createAdapter } from 'iscsi-adapter';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { have } from './peers/daemon.ts';

const T = 'iqn.2026-11.test:bulk', SIZE = 64 << 20;

describe('copy against tgtd', () => {
  let tgtd: Tgtd, dir: string;
  beforeAll(async () => {
    if (!have('tgtd')) throw new Error("tgtd is not installed: run 'apt-get install -y tgt' (.ci/run does this).");
    tgtd = await startTgtd([{ tid: 1, name: T, size: '64M' }]);
    dir = mkdtempSync(join(tmpdir(), 'real-bulk-'));
  });
  afterAll(() => {
    tgtd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a 64 MiB file onto the LUN and back: the backing file and the copy equal the original', async () => {
    const original = new Uint8Array(SIZE);
    for (let i = 0; i < SIZE; i += 4) new DataView(original.buffer).setUint32(i, (i * 2654435761) >>> 0);
    const src = join(dir, 'in.img'), back = join(dir, 'back.img');
    writeFileSync(src, original);
    const adapter = createAdapter();
    try {
      const out = await adapter.loginToTarget({ target: T, portal: tgtd.portals[0] }).result({ timeoutMs: 10000 });
      const disk = adapter.session(out.sessionId!)!;
      let last = 0;
      expect(await copy(src, { disk, lun: 1 }, { depth: 8, verify: true })).toEqual({ bytes: SIZE, verified: true });
      expect(await copy({ disk, lun: 1 }, back, { onProgress: (p) => last = p.bytes })).toEqual({
        bytes: SIZE,
        verified: false,
      });
      expect(last).toBe(SIZE);
    } finally {
      await adapter.close();
    }
    expect(Buffer.compare(readFileSync(tgtd.lunFile(1)), Buffer.from(original))).toBe(0);
    expect(Buffer.compare(readFileSync(back), Buffer.from(original))).toBe(0);
  });
});
