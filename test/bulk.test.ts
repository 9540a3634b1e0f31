// Bulk transfers (docs/io.md, "Bulk transfers") against the built-in target: read and write
// streams, the block iterator and copy() between LUNs and files, under each runtime.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Adapter, copy, CopyError, type CopyProgress, createAdapter, type Session } from 'iscsi-adapter';
import { type RunningTarget, startTarget, type TargetSpec } from 'iscsi-adapter/target';

const A = 'iqn.2026-11.dev.iscsi-adapter:bulk-a', B = 'iqn.2026-11.dev.iscsi-adapter:bulk-b';
const SIZE = 1 << 20, BLOCK = 512;

interface Env {
  target: RunningTarget;
  adapter: Adapter;
  a: Session;
  b: Session;
  dir: string;
}
async function env(a: Partial<TargetSpec> = {}, b: Partial<TargetSpec> = {}): Promise<Env> {
  const lun = { size: SIZE, blockSize: BLOCK };
  const target = await startTarget({ targets: [{ name: A, lun, ...a }, { name: B, lun, ...b }] });
  const adapter = createAdapter();
  const session = async (name: string) => {
    const out = await adapter.loginToTarget({ target: name, portal: target.portal }).result();
    return adapter.session(out.sessionId!)!;
  };
  return { target, adapter, a: await session(A), b: await session(B), dir: mkdtempSync(join(tmpdir(), 'bulk-')) };
}
async function done(e: Env) {
  await e.adapter.close({ logoutTimeoutMs: 1000, graceMs: 50 });
  await e.target.close();
  rmSync(e.dir, { recursive: true, force: true });
}
/** A pattern no two blocks share, so a block out of place shows. */
function pattern(bytes: number, seed = 1): Uint8Array {
  const b = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (i * 31 + (i >> 9) * 7 + seed) & 0xff;
  return b;
}
async function fill(disk: Session, seed = 1): Promise<Uint8Array> {
  const data = pattern(SIZE, seed);
  await disk.write(0, 0, data);
  return data;
}
/** Where two byte arrays first differ (-1: nowhere): the matcher's deep equality walks 1 MiB slowly. */
function differ(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}
/** The session, with one of its methods counted: calls, and the most running at once. */
function counting(disk: Session, method: 'read' | 'write') {
  const seen = { most: 0, calls: 0, disk };
  let running = 0;
  seen.disk = new Proxy(disk, {
    get(target, key) {
      const v = Reflect.get(target, key);
      if (typeof v !== 'function') return v;
      if (key !== method) return v.bind(target);
      return (...args: unknown[]) => {
        seen.calls++;
        seen.most = Math.max(seen.most, ++running);
        return (v as (...a: unknown[]) => Promise<unknown>).apply(target, args).finally(() => running--);
      };
    },
  });
  return seen;
}
async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const r = stream.getReader();;) {
    const { done, value } = await r.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

describe('read streams', () => {
  it('a read stream gives the LUN byte for byte, in order', async () => {
    const e = await env();
    try {
      const data = await fill(e.a);
      expect(differ(await drain(e.a.createReadStream(0, { blockSize: 8192, depth: 8 })), data)).toBe(-1);
    } finally {
      await done(e);
    }
  });

  it('start, end and a last command shorter than blockSize', async () => {
    const e = await env();
    try {
      const data = await fill(e.a);
      const got = await drain(e.a.createReadStream(0, { start: 3, end: 100, blockSize: 4096 }));
      expect(got).toEqual(data.subarray(3 * BLOCK, 100 * BLOCK));
    } finally {
      await done(e);
    }
  });

  it('Node streams take it through Readable.fromWeb', async () => {
    const e = await env();
    try {
      const data = await fill(e.a);
      const parts: Buffer[] = [];
      for await (const p of Readable.fromWeb(e.a.createReadStream(0) as never)) parts.push(p as Buffer);
      expect(differ(new Uint8Array(Buffer.concat(parts)), data)).toBe(-1);
    } finally {
      await done(e);
    }
  });

  it('cancelling a read stream leaves no command in flight', async () => {
    const e = await env();
    try {
      const reader = e.a.createReadStream(0, { blockSize: 4096, depth: 16 }).getReader();
      await reader.read();
      expect(e.a.inflight).toBeGreaterThan(0);
      await reader.cancel();
      expect(e.a.inflight).toBe(0);
    } finally {
      await done(e);
    }
  });

  it('a blockSize that is not whole blocks errors the stream with a RangeError', async () => {
    const e = await env();
    try {
      await expect(drain(e.a.createReadStream(0, { blockSize: 1000 }))).rejects.toThrow(RangeError);
    } finally {
      await done(e);
    }
  });

  it('an end past the LUN errors the stream and names the size', async () => {
    const e = await env();
    try {
      await expect(drain(e.a.createReadStream(0, { end: SIZE / BLOCK + 1 }))).rejects.toThrow(/has 2048 blocks/);
    } finally {
      await done(e);
    }
  });

  it('wrong-type options throw a TypeError at the call', async () => {
    const e = await env();
    try {
      expect(() => e.a.createReadStream(0, { depth: '4' as never })).toThrow(TypeError);
      expect(() => e.a.createWriteStream('0' as never)).toThrow(TypeError);
      expect(() => e.a.blocks(0, { start: 1.5 })).toThrow(RangeError);
    } finally {
      await done(e);
    }
  });

  it('a read error ends the stream with the ScsiError and nothing left in flight', async () => {
    const e = await env({ fault: 'bad-block', faultArg: 1000 });
    try {
      await expect(drain(e.a.createReadStream(0, { blockSize: 4096 }))).rejects.toThrow(/MEDIUM ERROR/i);
      expect(e.a.inflight).toBe(0);
    } finally {
      await done(e);
    }
  });

  it("the caller's abort reason is what the stream errors with", async () => {
    const e = await env();
    try {
      const ac = new AbortController();
      const reason = new Error('enough');
      const reader = e.a.createReadStream(0, { blockSize: 4096, signal: ac.signal }).getReader();
      await reader.read();
      ac.abort(reason);
      let caught: unknown;
      try {
        for (;;) if ((await reader.read()).done) break;
      } catch (err) {
        caught = err;
      }
      expect(caught).toBe(reason);
      expect(e.a.inflight).toBe(0);
    } finally {
      await done(e);
    }
  });
});

describe('the block iterator', () => {
  it('gives each chunk with its LBA', async () => {
    const e = await env();
    try {
      const data = await fill(e.a);
      const lbas: bigint[] = [];
      for await (const { lba, data: d } of e.a.blocks(0, { blockSize: 65536 })) {
        expect(differ(d, data.subarray(Number(lba) * BLOCK, Number(lba) * BLOCK + d.length))).toBe(-1);
        lbas.push(lba);
      }
      expect(lbas).toEqual(Array.from({ length: 16 }, (_, i) => BigInt(i * 128)));
    } finally {
      await done(e);
    }
  });

  it('leaving the loop early aborts and waits for what was in flight', async () => {
    const e = await env();
    try {
      for await (const _ of e.a.blocks(0, { blockSize: 4096, depth: 8 })) break;
      expect(e.a.inflight).toBe(0);
    } finally {
      await done(e);
    }
  });
});

describe('write streams', () => {
  it('bytes written in odd-sized chunks land where they belong', async () => {
    const e = await env();
    try {
      const data = pattern(64 * BLOCK, 9);
      const w = e.a.createWriteStream(0, { start: 10, blockSize: 4096, depth: 4 }).getWriter();
      for (let at = 0; at < data.length; at += 1000) await w.write(data.subarray(at, at + 1000));
      await w.close();
      expect(await e.a.read(0, 10, 64)).toEqual(data);
    } finally {
      await done(e);
    }
  });

  it('a stream that ends inside a block fails at close and leaves nothing in flight', async () => {
    const e = await env();
    try {
      const w = e.a.createWriteStream(0, { blockSize: 4096 }).getWriter();
      await w.write(new Uint8Array(5000));
      await expect(w.close()).rejects.toThrow(/bytes into a 512-byte block/);
      expect(e.a.inflight).toBe(0);
    } finally {
      await done(e);
    }
  });

  it('writing past the end of the LUN errors the stream', async () => {
    const e = await env();
    try {
      const w = e.a.createWriteStream(0, { start: SIZE / BLOCK - 2 }).getWriter();
      await expect(w.write(new Uint8Array(3 * BLOCK)).then(() => w.close())).rejects.toThrow(/goes past block 2048/);
    } finally {
      await done(e);
    }
  });
});

describe('copy', () => {
  it('a LUN to a file: the file equals the LUN and the progress ends at the total', async () => {
    const e = await env();
    try {
      const data = await fill(e.a);
      const file = join(e.dir, 'a.img');
      const seen: CopyProgress[] = [];
      const r = await copy({ disk: e.a, lun: 0 }, file, {
        blockSize: 65536,
        depth: 4,
        onProgress: (p) => seen.push(p),
      });
      expect(r).toEqual({ bytes: SIZE, verified: false });
      expect(differ(new Uint8Array(readFileSync(file)), data)).toBe(-1);
      expect(seen.at(-1)).toEqual({ bytes: SIZE, total: SIZE });
      expect(seen.every((p, i) => i === 0 || p.bytes > seen[i - 1].bytes)).toBe(true);
    } finally {
      await done(e);
    }
  });

  it('a file to a LUN, verified', async () => {
    const e = await env();
    try {
      const data = pattern(SIZE, 5), file = join(e.dir, 'in.img');
      writeFileSync(file, data);
      expect(await copy(file, { disk: e.b, lun: 0 }, { verify: true })).toEqual({ bytes: SIZE, verified: true });
      expect(differ(await e.b.read(0, 0, SIZE / BLOCK), data)).toBe(-1);
    } finally {
      await done(e);
    }
  });

  it('LUN to LUN, from a start block and for a given length', async () => {
    const e = await env();
    try {
      const data = await fill(e.a, 3);
      await copy({ disk: e.a, lun: 0, start: 8 }, { disk: e.b, lun: 0, start: 100 }, { bytes: 40 * BLOCK });
      expect(await e.b.read(0, 100, 40)).toEqual(data.subarray(8 * BLOCK, 48 * BLOCK));
    } finally {
      await done(e);
    }
  });

  it('never more than depth commands in flight at either end, and depth reached', async () => {
    const e = await env();
    try {
      await fill(e.a);
      const reads = counting(e.a, 'read'), writes = counting(e.b, 'write');
      await copy({ disk: reads.disk, lun: 0 }, { disk: writes.disk, lun: 0 }, { blockSize: 4096, depth: 6 });
      // The first six reads go out together, before any has an answer.
      expect(reads.most).toBe(6);
      expect(writes.most).toBeLessThanOrEqual(6);
      expect(writes.calls).toBe(SIZE / 4096);
    } finally {
      await done(e);
    }
  });

  it('a read error part way stops the copy with the bytes copied before it', async () => {
    const e = await env({ fault: 'bad-block', faultArg: 1003 });
    try {
      let caught: unknown;
      await copy({ disk: e.a, lun: 0 }, join(e.dir, 'x.img'), { blockSize: 4096, depth: 4 }).catch((x) => caught = x);
      expect(caught).toBeInstanceOf(CopyError);
      // Block 1003 is in the chunk of 8 blocks from block 1000; every chunk before it was copied.
      expect((caught as CopyError).bytes).toBe(1000 * BLOCK);
      expect((caught as CopyError).message).toMatch(/MEDIUM ERROR/i);
      expect(e.a.inflight).toBe(0);
    } finally {
      await done(e);
    }
  });

  it('verify catches a destination that does not give back what was written', async () => {
    const e = await env({}, { fault: 'corrupt-block', faultArg: 300 });
    try {
      await fill(e.a);
      const err = await copy({ disk: e.a, lun: 0 }, { disk: e.b, lun: 0 }, { verify: true }).catch((x) => x);
      expect(err).toBeInstanceOf(CopyError);
      expect(err.message).toMatch(`differs from the source at byte ${300 * BLOCK}`);
    } finally {
      await done(e);
    }
  });

  it('a file that is not whole blocks is refused before anything is written', async () => {
    const e = await env();
    try {
      const file = join(e.dir, 'odd.img');
      writeFileSync(file, new Uint8Array(1000));
      await expect(copy(file, { disk: e.b, lun: 0 })).rejects.toThrow(/1000 bytes is not a whole number of 512-byte/);
      expect(e.target.received.some((p) => p.opcode === 0x01 && p.bhs[32] === 0x2a)).toBe(false);
    } finally {
      await done(e);
    }
  });

  it('a destination too small is refused up front', async () => {
    const e = await env({}, { lun: { size: SIZE / 2, blockSize: BLOCK } });
    try {
      await expect(copy({ disk: e.a, lun: 0 }, { disk: e.b, lun: 0 })).rejects.toThrow(/has room for 524288 bytes/);
    } finally {
      await done(e);
    }
  });

  it("an abort stops the copy with the signal's reason and nothing in flight", async () => {
    const e = await env();
    try {
      const ac = new AbortController();
      const reason = new Error('stop');
      const p = copy({ disk: e.a, lun: 0 }, join(e.dir, 'y.img'), {
        blockSize: 4096,
        signal: ac.signal,
        onProgress: (x) => x.bytes >= 65536 && ac.abort(reason),
      });
      await expect(p).rejects.toBe(reason);
      expect(e.a.inflight).toBe(0);
    } finally {
      await done(e);
    }
  });

  it('wrong-type ends and options throw a TypeError at the call', async () => {
    const e = await env();
    try {
      expect(() => copy({ disk: {} as Session, lun: 0 }, 'f')).toThrow(TypeError);
      expect(() => copy({ disk: e.a, lun: 0 }, 'f', { onProgress: 1 as never })).toThrow(TypeError);
      expect(() => copy({ disk: e.a, lun: 0 }, 'f', { depth: 0 })).toThrow(RangeError);
    } finally {
      await done(e);
    }
  });
});
