// PDU framing throughput: Wasm core (counting the copy of each 64 KiB chunk into Wasm memory)
// against the plain-TypeScript DataView framer. One JSON line per measurement.
import { makeStream } from '../test/helpers/stream.ts';
import { JsFramer } from '../test/helpers/js-framer.ts';
import { instantiateCore } from '../hosts/wasm/load.ts';
import { coreViews } from '../hosts/wasm/views.ts';
import { arg, emit, runtimeName, timed } from './runtime.ts';

const seconds = arg('seconds', 1);
const streams = {
  mixed: makeStream({ pdus: 4000, seed: 1, kind: 'mixed' }),
  bhs48: makeStream({ pdus: 100000, seed: 2, kind: 'bhs48' }),
};
const CHUNK = 65536;
const core = instantiateCore();
const { rx } = coreViews(core);

for (const [name, s] of Object.entries(streams)) {
  let pdus = 0, checksum = 0;
  const w = timed(seconds, () => {
    const c = core.rawOpen(0, 8192);
    for (let at = 0; at < s.length; at += CHUNK) {
      const part = s.subarray(at, Math.min(s.length, at + CHUNK));
      rx.set(part);
      if (core.rawFeed(c, part.length) < 0) throw new Error('wasm framing error');
    }
    pdus = core.rawCount(c);
    checksum = core.rawChecksum(c) >>> 0;
    core.rawClose(c);
  });
  emit({
    bench: 'pdu',
    impl: 'wasm',
    runtime: runtimeName(),
    stream: name,
    pdusPerSec: (pdus * w.passes) / w.elapsed,
    bytesPerSec: (s.length * w.passes) / w.elapsed,
    checksum,
  });

  const j = timed(seconds, () => {
    const f = new JsFramer();
    for (let at = 0; at < s.length; at += CHUNK) {
      if (f.feed(s.subarray(at, Math.min(s.length, at + CHUNK)))) throw new Error('js framing error');
    }
    pdus = f.count;
    checksum = f.checksum;
  });
  emit({
    bench: 'pdu',
    impl: 'js',
    runtime: runtimeName(),
    stream: name,
    pdusPerSec: (pdus * j.passes) / j.elapsed,
    bytesPerSec: (s.length * j.passes) / j.elapsed,
    checksum,
  });
}
