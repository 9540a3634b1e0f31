// CRC32C throughput on 8 KiB and 48-byte blocks: Wasm slicing-by-8 against plain TypeScript.
import { crc32c } from '../target/crc32c.ts';
import { instantiateCore } from '../hosts/wasm/load.ts';
import { coreViews } from '../hosts/wasm/views.ts';
import { arg, emit, runtimeName, timed } from './runtime.ts';

const seconds = arg('seconds', 1);
const core = instantiateCore();
const { rx } = coreViews(core);
for (const block of [8192, 48]) {
  const total = Math.floor(131072 / block) * block;
  const data = new Uint8Array(total);
  let s = 1;
  for (let i = 0; i < total; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  rx.set(data);
  let x = 0;
  const w = timed(seconds, () => {
    x = core.crcBlocks(total, block) >>> 0;
  });
  emit({
    bench: 'crc32c',
    impl: 'wasm',
    runtime: runtimeName(),
    block,
    bytesPerSec: (total * w.passes) / w.elapsed,
    checksum: x,
  });
  const j = timed(seconds, () => {
    x = 0;
    for (let at = 0; at < total; at += block) x ^= crc32c(data, at, at + block);
    x >>>= 0;
  });
  emit({
    bench: 'crc32c',
    impl: 'js',
    runtime: runtimeName(),
    block,
    bytesPerSec: (total * j.passes) / j.elapsed,
    checksum: x,
  });
}
