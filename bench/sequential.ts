// What bench/read.ts and bench/write.ts share: log in to the target the arguments name, then keep
// `--queue` commands of `--block-bytes` walking LUN 1 in order for `--seconds` after 0.5 s of
// warm-up, and print one JSON line ("bench", "impl", "runtime", "blockBytes", "queueDepth",
// "bytesPerSec"; docs/io.md).
import type { Session } from '../hosts/session.ts';
import { arg, emit, runtimeName, scriptArgs } from './runtime.ts';
import { runtimeModule } from './library.ts';

/** `slot` is called once per command slot and gives the command it runs again and again. */
export type Slot = (
  disk: Session,
  lun: number,
  blockBytes: number,
) => (lba: number, blocks: number) => Promise<unknown>;

export async function sequential(bench: 'read' | 'write', slot: Slot): Promise<void> {
  const { createAdapter } = await runtimeModule();
  const argv = scriptArgs();
  const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
  const blockBytes = arg('block-bytes', 65536), queue = arg('queue', 32), seconds = arg('seconds', 5), lun = 1;
  const adapter = createAdapter();
  const out = await adapter.loginToTarget({ target: str('target'), portal: str('portal') }).result({
    timeoutMs: 30000,
  });
  const disk = adapter.session(out.sessionId!)!;
  const { blocks, blockSize } = await disk.readCapacity(lun);
  const per = blockBytes / blockSize, span = Number(blocks) - (Number(blocks) % per);
  let lba = 0, bytes = 0, counting = false, stop = false;
  const warmup = performance.now() + 500, end = warmup + seconds * 1000;
  let started = 0;
  await Promise.all(Array.from({ length: queue }, async () => {
    const command = slot(disk, lun, blockBytes);
    while (!stop) {
      const at = lba;
      lba = (lba + per) % span;
      await command(at, per);
      const now = performance.now();
      if (!counting && now >= warmup) [counting, started, bytes] = [true, now, 0];
      else if (counting) bytes += blockBytes;
      if (now >= end) stop = true;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  await adapter.close();
  emit({
    bench,
    impl: 'ours',
    runtime: runtimeName(),
    blockBytes,
    queueDepth: queue,
    bytesPerSec: Math.round(bytes / elapsed),
  });
}
