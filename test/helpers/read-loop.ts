// A read loop that checks every byte: `workers` readers go over the first `region` blocks of a
// LUN, `blocks` at a time, each read compared with what was written there. The recovery tests run
// it through a target restart: it must neither fail nor see a wrong byte.
import type { Session } from 'iscsi-adapter';
import { until } from './env.ts';

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export interface ReadLoop {
  /** Good reads so far. */
  reads(): number;
  /** What went wrong, one line each; the loop's worker stops at its first. */
  readonly failures: string[];
  /** Waits (at most ms) until cond() holds, and fails at once when a read went wrong. */
  until(cond: () => boolean, what: string, ms?: number): Promise<void>;
  /** Stops the workers and waits (bounded) for the reads in flight. */
  stop(): Promise<void>;
}

export function readLoop(disk: Session, lun: number, data: Uint8Array, blocks = 16, workers = 8): ReadLoop {
  const region = data.length / 512;
  let stop = false, reads = 0;
  const failures: string[] = [];
  const worker = async (w: number) => {
    for (let i = w; !stop; i += workers) {
      const lba = (i * blocks) % region;
      try {
        const got = await disk.read(lun, lba, blocks);
        if (!same(got, data.subarray(lba * 512, (lba + blocks) * 512))) failures.push(`read at ${lba}: wrong bytes`);
        else reads++;
      } catch (e) {
        failures.push(`read at ${lba}: ${String(e)}`);
        return;
      }
    }
  };
  let done = false;
  Promise.all(Array.from({ length: workers }, (_, w) => worker(w))).then(() => (done = true));
  return {
    reads: () => reads,
    failures,
    async until(cond, what, ms = 10000) {
      await until(() => failures.length > 0 || cond(), ms, what, 10);
      if (failures.length) throw new Error(`the read loop failed: ${failures.join('; ')}`);
    },
    async stop() {
      stop = true;
      await until(() => done, 10000, 'the read loop to stop', 10);
    },
  };
}
