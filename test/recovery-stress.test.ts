// Session recovery under load, through the public API, over real sockets: the built-in target's
// 'drop-every' switch destroys each connection at its faultArg-th SCSI command, in the middle of
// it (half a read's Data-In sent, half a write's data on the disk), so a long run of commands
// meets many drops and re-logins. The point is the data: every command ends well, every read
// returns the last acknowledged content of its blocks, and after logout the target's backing
// file holds, block by block, the last acknowledged write of each block.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdapterEvent, createAdapter, hrName } from 'iscsi-adapter';
import { startTarget } from 'iscsi-adapter/target';
import { rng } from './helpers/core.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:recovery-stress';
const BLOCK = 512;
const BLOCKS = 8192; // a 4 MiB LUN
const TOTAL = 1500; // commands issued
const INFLIGHT = 32;
const DROP_EVERY = 40; // the connection goes at its 40th SCSI command
const SEED = 0x5eed1234;

/** The content write `id` puts in block `lba`: its id and LBA, then bytes no other write repeats. */
function blockOf(id: number, lba: number, into: Uint8Array = new Uint8Array(BLOCK), at = 0): Uint8Array {
  const v = new DataView(into.buffer, into.byteOffset + at, BLOCK);
  v.setUint32(0, id);
  v.setUint32(4, lba);
  let x = (Math.imul(id + 1, 0x9e3779b1) ^ Math.imul(lba + 1, 0x85ebca6b)) >>> 0 || 1;
  for (let i = 8; i < BLOCK; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    v.setUint32(i, x >>> 0);
  }
  return into;
}
const ZERO = new Uint8Array(BLOCK);
/** What block `lba` should hold: the write last acknowledged there (-1: never written, zeros). */
const expected = (last: Int32Array, lba: number) => last[lba] < 0 ? ZERO : blockOf(last[lba], lba);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

describe('session recovery under repeated drops', () => {
  it('no acknowledged write lost, no read returns wrong bytes through repeated drops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iscsi-stress-'));
    const file = join(dir, 'lun.img');
    writeFileSync(file, new Uint8Array(BLOCKS * BLOCK));
    const target = await startTarget({
      targets: [{ name: T, fault: 'drop-every', faultArg: DROP_EVERY, lun: { file, size: BLOCKS * BLOCK } }],
    });
    const adapter = createAdapter({
      recovery: true,
      replacementTimeoutMs: 15000,
      reconnect: { minDelayMs: 5, maxDelayMs: 50 },
    });
    let targetOpen = true;
    try {
      const events: AdapterEvent[] = [];
      adapter.on((e) => events.push(e));
      const out = await adapter.loginToTarget({ target: T, portal: target.portal }).result();
      expect(out.result).toBe('ok');
      const disk = adapter.session(out.sessionId!)!;
      // The block size, learned once before the load (every command needs it).
      expect((await disk.readCapacity(0)).blockSize).toBe(BLOCK);

      const rnd = rng(SEED);
      const last = new Int32Array(BLOCKS).fill(-1); // per block: the id of the write last acknowledged
      const busy = new Uint8Array(BLOCKS); // blocks a command in flight touches
      const written: [number, number][] = []; // acknowledged writes: [lba, blocks]
      const problems: string[] = [];
      let issued = 0, ended = 0, reads = 0, writes = 0;

      /** A range no command in flight touches, `n` blocks long (or shorter when none is free). */
      const freeRange = (want: number, at?: number): [number, number] => {
        for (let n = want, tries = 0;; tries++) {
          const lba = at !== undefined && tries === 0 ? at : Math.floor(rnd() * (BLOCKS - n + 1));
          let free = true;
          for (let b = lba; b < lba + n && free; b++) free = busy[b] === 0;
          if (free) return [lba, n];
          if (tries % 16 === 15) n = Math.max(1, n >> 1);
        }
      };
      // Mostly short commands, some long enough to need R2Ts (beyond 64 KiB).
      const length = () => {
        const r = rnd();
        return r < 0.6
          ? 1 + Math.floor(rnd() * 16)
          : r < 0.9
          ? 1 + Math.floor(rnd() * 128)
          : 129 + Math.floor(rnd() * 384);
      };

      const one = async (id: number) => {
        const isWrite = written.length === 0 || rnd() < 0.5;
        // Reads go back to a range written before half the time, else anywhere (zeros included).
        const again = !isWrite && rnd() < 0.5 ? written[Math.floor(rnd() * written.length)] : undefined;
        const [lba, n] = again ? freeRange(again[1], again[0]) : freeRange(length());
        busy.fill(1, lba, lba + n);
        try {
          if (isWrite) {
            const data = new Uint8Array(n * BLOCK);
            for (let i = 0; i < n; i++) blockOf(id, lba + i, data, i * BLOCK);
            await disk.write(0, lba, data, { timeoutMs: 15000 });
            last.fill(id, lba, lba + n);
            written.push([lba, n]);
            writes++;
          } else {
            // The expectation is taken now: no write touches these blocks until the read ends.
            const want = Array.from({ length: n }, (_, i) => expected(last, lba + i));
            const got = await disk.read(0, lba, n, { timeoutMs: 15000 });
            if (got.length !== n * BLOCK) problems.push(`read #${id} at ${lba}+${n}: ${got.length} bytes`);
            for (let i = 0; i < n; i++) {
              if (!same(got.subarray(i * BLOCK, (i + 1) * BLOCK), want[i])) {
                problems.push(`read #${id}: block ${lba + i} is not write ${last[lba + i]}'s`);
              }
            }
            reads++;
          }
        } catch (e) {
          problems.push(`${isWrite ? 'write' : 'read'} #${id} at ${lba}+${n}: ${(e as Error).message}`);
        } finally {
          busy.fill(0, lba, lba + n);
          ended++;
        }
      };
      // INFLIGHT workers, each issuing its next command as soon as its last one ends.
      const worker = async () => {
        while (issued < TOTAL) await one(issued++);
      };
      await Promise.all(Array.from({ length: INFLIGHT }, worker));

      expect(problems).toEqual([]);
      expect(ended).toBe(TOTAL);
      expect(reads + writes).toBe(TOTAL);
      const recovered = events.filter((e) => e.type === 'session-recovered').length;
      expect(recovered).toBeGreaterThanOrEqual(5);
      expect(events.filter((e) => e.type === 'session-recovering').length).toBe(recovered);
      expect(events.filter((e) => e.type !== 'session-recovering' && e.type !== 'session-recovered')).toEqual([]);
      console.log(`recovery-stress: ${reads} reads, ${writes} writes, ${recovered} drops recovered`);

      const { hr } = await adapter.logoutFromTarget(T).wait();
      expect(hrName(hr)).toBe('S_OK');
      await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
      expect(adapter.resources()).toEqual({ sockets: 0, timers: 0 });
      targetOpen = false;
      await target.close(); // closes the backing file

      const disk1 = new Uint8Array(readFileSync(file));
      expect(disk1.length).toBe(BLOCKS * BLOCK);
      const wrong: number[] = [];
      for (let b = 0; b < BLOCKS; b++) {
        if (!same(disk1.subarray(b * BLOCK, (b + 1) * BLOCK), expected(last, b))) wrong.push(b);
      }
      expect(wrong).toEqual([]);
    } finally {
      await adapter.close({ logoutTimeoutMs: 500, graceMs: 50 });
      if (targetOpen) await target.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
