// The operations the daemon runs, by id: each stays queryable after it ends, for `keepMs`, so a
// later invocation (or a client that reconnected) can still ask how it ended.
import { type AsyncOperation, hrName } from '../hosts/node/mod.ts';
import type { OperationEnd, OperationStatus } from '../hosts/remote/protocol.ts';

/** Where a connection that watches an operation hears of it. */
export type Notify = (method: 'progress' | 'finished' | 'event', params: object) => void;
export interface Entry {
  id: string;
  op: AsyncOperation<unknown>;
  /** What it is, for the log: `login iqn... at portal`, `logout iqn...`. */
  what: string;
  watchers: Set<Notify>;
}

export class Operations {
  #entries = new Map<string, Entry>();
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly keepMs: number, private readonly onEnd: (e: Entry, end: OperationEnd) => void) {}

  add(op: AsyncOperation<unknown>, what: string, watcher?: Notify): Entry {
    const id = `op-${crypto.randomUUID().slice(0, 8)}`;
    const e: Entry = { id, op, what, watchers: new Set(watcher ? [watcher] : []) };
    this.#entries.set(id, e);
    op.onProgress((pct) => {
      if (pct < 100) { for (const w of e.watchers) w('progress', { operation: id, percentCompleted: pct }); }
    });
    void op.wait().then(() => {
      const end = this.end(e);
      for (const w of e.watchers) w('finished', end);
      e.watchers.clear();
      this.onEnd(e, end);
      const t = setTimeout(() => {
        this.#timers.delete(t);
        this.#entries.delete(id);
      }, this.keepMs);
      this.#timers.add(t);
    });
    return e;
  }

  get(id: string): Entry | undefined {
    return this.#entries.get(id);
  }
  running(): Entry[] {
    return [...this.#entries.values()].filter((e) => !e.op.done);
  }
  /** A connection that closed hears nothing more; its operations go on. */
  forget(w: Notify): void {
    for (const e of this.#entries.values()) e.watchers.delete(w);
  }

  status(e: Entry): OperationStatus {
    const s = e.op.queryStatus();
    return {
      operation: e.id,
      type: e.op.type,
      hr: s.hr,
      hrName: hrName(s.hr),
      percentCompleted: s.percentCompleted,
      done: e.op.done,
    };
  }
  end(e: Entry, hr = e.op.queryStatus().hr): OperationEnd {
    return { operation: e.id, hr, hrName: hrName(hr), output: e.op.output };
  }

  dispose(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
