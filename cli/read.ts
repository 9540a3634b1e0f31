// `read URL --lba N --blocks N [--out FILE]`: the blocks, raw, to FILE or to stdout.
import { open } from 'node:fs/promises';
import { EXIT } from './args.ts';
import { type DiskRun, withDisk } from './disk.ts';
import type { Outcome } from './outcome.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { checkRange, chunkAt, chunkCount, inOrder, LARGE_BYTES } from './transfer.ts';

interface Sink {
  write(b: Uint8Array): Promise<void>;
  close(): Promise<void>;
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
    const sink = o.out ? await fileSink(o.out) : streamSink(stdout);
    const progress = new Progress({
      total: bytes,
      stream: stderr,
      enabled: !o.json && bytes >= LARGE_BYTES,
      label: 'read',
    });
    let done = 0;
    try {
      await inOrder(
        chunkCount(blocks, cap.blockSize),
        (i) => {
          const c = chunkAt(i, lba, blocks, cap.blockSize);
          return disk.read(lun, c.lba, c.blocks);
        },
        async (_i, data) => {
          await sink.write(data);
          progress.update(done += data.length);
        },
        r.interrupted,
      );
    } finally {
      progress.end();
      await sink.close();
    }
    if (o.out) r.say(`read ${blocks} block(s) of ${cap.blockSize} bytes from LBA ${lba} to ${o.out}`);
    return {
      code: EXIT.ok,
      json: { url: o.url, target: o.target, lun, lba, blocks, blockSize: cap.blockSize, bytes, out: o.out },
    };
  });
}

async function fileSink(path: string): Promise<Sink> {
  const fh = await open(path, 'w');
  return {
    write: async (b) => void await fh.write(b),
    close: () => fh.close(),
  };
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
    close: async () => out.off('error', onError),
  };
}
