// `read URL --lba N --blocks N [--out FILE]`: the blocks, raw, to FILE or to stdout.
import { EXIT } from './args.ts';
import { type DiskRun, withDisk } from './disk.ts';
import type { Outcome } from './outcome.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { checkRange, CHUNK_BYTES, DEPTH, LARGE_BYTES } from './transfer.ts';
import { copy } from '../hosts/node/mod.ts';

interface Sink {
  write(b: Uint8Array): Promise<void>;
  close(): void;
}
interface Stdout {
  write(b: Uint8Array, done: (e?: Error | null) => void): boolean;
  on(ev: 'error', fn: (e: Error) => void): void;
  off(ev: 'error', fn: (e: Error) => void): void;
}

export function read(r: DiskRun, stdout: Stdout, stderr: ProgressStream): Promise<Outcome> {
  const o = r.o;
  const lba = o.lba!, blocks = o.blocks!;
  return withDisk(r, async (disk, lun) => {
    const cap = await disk.readCapacity(lun);
    checkRange(lba, blocks, cap.blocks, cap.blockSize);
    const bytes = blocks * cap.blockSize;
    const progress = new Progress({
      total: bytes,
      stream: stderr,
      enabled: !o.json && bytes >= LARGE_BYTES,
      label: 'read',
    });
    const range = { blockSize: CHUNK_BYTES - CHUNK_BYTES % cap.blockSize, depth: DEPTH, signal: r.interrupted };
    try {
      if (o.out) {
        const start = { disk, lun, start: lba };
        await copy(start, o.out, { ...range, bytes, onProgress: (p) => progress.update(p.bytes) });
      } else {
        const sink = streamSink(stdout);
        let done = 0;
        try {
          for await (const c of disk.blocks(lun, { ...range, start: lba, end: lba + BigInt(blocks) })) {
            await sink.write(c.data);
            progress.update(done += c.data.length);
          }
        } finally {
          sink.close();
        }
      }
    } finally {
      progress.end();
    }
    if (o.out) r.say(`read ${blocks} block(s) of ${cap.blockSize} bytes from LBA ${lba} to ${o.out}`);
    return {
      code: EXIT.ok,
      json: { url: o.url, target: o.target, lun, lba, blocks, blockSize: cap.blockSize, bytes, out: o.out },
    };
  });
}

// Each write waits for the stream to take its bytes: a slow pipe holds the reads back.
function streamSink(out: Stdout): Sink {
  let failed: Error | undefined;
  const onError = (e: Error) => (failed ??= e);
  out.on('error', onError);
  return {
    write: (b) =>
      new Promise((done, fail) => {
        if (failed) return fail(new Error(`stdout: ${failed.message}`));
        out.write(b, (e) => (e ? fail(new Error(`stdout: ${e.message}`)) : done()));
      }),
    close: () => out.off('error', onError),
  };
}
