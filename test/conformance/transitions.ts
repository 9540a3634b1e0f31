// The core's state machines (core/fsm.ts) as the tests see them: its table of transitions and
// the log of those taken, by name: T1..T18 (connection, RFC 7143 §8.1.3), N1..N6 (session,
// §8.3), and `cleanup` where a record is released. Nothing here re-derives a transition.
import type { CoreExports } from '../../hosts/wasm/load.ts';

const MACHINES = ['T', 'N'];
export const transitionName = (id: number): string =>
  id === 0 ? 'cleanup' : `${MACHINES[Math.floor(id / 100)] ?? '?'}${id % 100}`;

export interface Row {
  machine: 'connection' | 'session';
  from: number;
  event: number;
  to: number;
  name: string;
}
/** Every transition the core's table holds. */
export function table(core: CoreExports): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < core.transitionRows(); i++) {
    const f = (k: number) => core.transitionRow(i, k);
    rows.push({
      machine: f(0) === 0 ? 'connection' : 'session',
      from: f(1),
      event: f(2),
      to: f(3),
      name: transitionName(f(4)),
    });
  }
  return rows;
}

export interface Taken {
  machine: 'connection' | 'session';
  index: number;
  from: number;
  to: number;
  name: string;
}
/** Reads the transitions the core took since the last take(). */
export class TransitionLog {
  private seen: number;
  constructor(private core: CoreExports) {
    this.seen = core.transitionLogCount();
  }
  take(): Taken[] {
    const out: Taken[] = [];
    const count = this.core.transitionLogCount(), cap = this.core.transitionLogCap();
    if (count - this.seen > cap) throw new Error('the transition log wrapped between two reads');
    const words = new Uint32Array(this.core.memory.buffer, this.core.transitionLogPtr(), cap * 4);
    for (; this.seen < count; this.seen++) {
      const at = (this.seen % cap) * 4;
      out.push({
        machine: words[at] >>> 24 === 0 ? 'connection' : 'session',
        index: words[at] & 0xffffff,
        from: words[at + 1],
        to: words[at + 2],
        name: transitionName(words[at + 3]),
      });
    }
    return out;
  }
}
