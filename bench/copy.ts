// copy() of a whole tgtd LUN to a file on tmpfs, again and again for S seconds, in the running
// runtime. Usage: copy.ts --portal HOST:PORT --target IQN --block-bytes B --queue Q --seconds S [--to PATH]
// Prints one JSON line ("bench":"copy"), bytes per second over whole copies after one warm-up copy.
import { arg, emit, runtimeName, scriptArgs } from './runtime.ts';
import { runtimeModule } from './library.ts';

const rt = runtimeName();
const { createAdapter, copy } = await runtimeModule();
const argv = scriptArgs();
const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
const blockBytes = arg('block-bytes', 65536), queue = arg('queue', 32), seconds = arg('seconds', 5);
const adapter = createAdapter();
const out = await adapter.loginToTarget({ target: str('target'), portal: str('portal') }).result({ timeoutMs: 30000 });
const disk = adapter.session(out.sessionId!)!;
// tmpfs by default: the file's side costs memory copies only; --to /dev/null leaves out even those.
const to = argv.includes('--to') ? str('to') : 'tmpfs';
const file = to === 'tmpfs' ? `/dev/shm/iscsi-adapter-bench-copy-${rt}-${Date.now()}` : to;
const once = () => copy({ disk, lun: 1 }, file, { blockSize: blockBytes, depth: queue });
let bytes = 0;
try {
  await once();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) bytes += (await once()).bytes;
  emit({
    bench: 'copy',
    impl: 'ours',
    to,
    runtime: rt,
    blockBytes,
    queueDepth: queue,
    bytesPerSec: Math.round(bytes / ((performance.now() - start) / 1000)),
  });
} finally {
  await adapter.close();
  const { rmSync } = await import('node:fs');
  if (to === 'tmpfs') rmSync(file, { force: true });
}
