// Sequential writes to a real target with Q commands in flight, for S seconds, in the running
// runtime. Usage: write.ts --portal HOST:PORT --target IQN --block-bytes B --queue Q --seconds S
// Prints one JSON line with the fields of bench/read.ts's ("bench":"write").
import { arg, emit, runtimeName, scriptArgs } from './runtime.ts';
import { runtimeModule } from './library.ts';

const rt = runtimeName();
const { createAdapter } = await runtimeModule();

const argv = scriptArgs();
const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
const blockBytes = arg('block-bytes', 65536), queue = arg('queue', 32), seconds = arg('seconds', 5), lun = 1;
const adapter = createAdapter();
const out = await adapter.loginToTarget({ target: str('target'), portal: str('portal') }).result({ timeoutMs: 30000 });
const disk = adapter.session(out.sessionId!)!;
const { blocks, blockSize } = await disk.readCapacity(lun);
const per = blockBytes / blockSize, span = Number(blocks) - (Number(blocks) % per);
let lba = 0, bytes = 0, counting = false, stop = false;
const warmup = performance.now() + 500, end = warmup + seconds * 1000;
let started = 0;
// The same bytes as the C writer's, so the target stores the same thing whoever writes.
const data = Uint8Array.from({ length: blockBytes }, (_, i) => (i * 31 + 7) & 0xff);
await Promise.all(Array.from({ length: queue }, async () => {
  while (!stop) {
    const at = lba;
    lba = (lba + per) % span;
    await disk.write(lun, at, data);
    const now = performance.now();
    if (!counting && now >= warmup) [counting, started, bytes] = [true, now, 0];
    else if (counting) bytes += blockBytes;
    if (now >= end) stop = true;
  }
}));
const elapsed = (performance.now() - started) / 1000;
await adapter.close();
emit({
  bench: 'write',
  impl: 'ours',
  runtime: rt,
  blockBytes,
  queueDepth: queue,
  bytesPerSec: Math.round(bytes / elapsed),
});
