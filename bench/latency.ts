// One 4 KiB read at a time at random 4 KiB-aligned LBAs of a real target: after W reads of
// warm-up, the latency of each of N more, in the running runtime.
// Usage: latency.ts --portal HOST:PORT --target IQN --samples N --warmup W
// Prints one JSON line: {"bench":"latency","impl","runtime","blockBytes","queueDepth","samples","p50Us","p99Us"}.
import { arg, emit, runtimeName, scriptArgs } from './runtime.ts';
import { runtimeModule } from './library.ts';

const rt = runtimeName();
const { createAdapter } = await runtimeModule();

const argv = scriptArgs();
const str = (name: string) => argv[argv.indexOf(`--${name}`) + 1];
const samples = arg('samples', 10000), warm = arg('warmup', 10240), blockBytes = 4096, lun = 1;
const adapter = createAdapter();
const out = await adapter.loginToTarget({ target: str('target'), portal: str('portal') }).result({ timeoutMs: 30000 });
const disk = adapter.session(out.sessionId!)!;
const { blocks, blockSize } = await disk.readCapacity(lun);
const per = blockBytes / blockSize, slots = Math.floor(Number(blocks) / per);
const into = new Uint8Array(blockBytes);
const t = new Float64Array(samples);
for (let i = -warm; i < samples; i++) {
  const lba = Math.floor(Math.random() * slots) * per;
  const t0 = performance.now();
  await disk.read(lun, lba, per, { into });
  if (i >= 0) t[i] = (performance.now() - t0) * 1000;
}
await adapter.close();
t.sort();
emit({
  bench: 'latency',
  impl: 'ours',
  runtime: rt,
  blockBytes,
  queueDepth: 1,
  samples,
  p50Us: Number(t[samples >> 1].toFixed(1)),
  p99Us: Number(t[Math.floor((samples * 99) / 100)].toFixed(1)),
});
