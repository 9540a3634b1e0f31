// One line on a terminal for a long transfer (read, write, dd): bytes, rate, percent and ETA,
// redrawn in place at most every `intervalMs`; the last drawing stays on screen. Silent when the
// stream is not a terminal (a pipe or a file gets no carriage returns) or when asked to be.

export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}
export interface ProgressOptions {
  /** Bytes the transfer moves; without it the line has no percent and no ETA. */
  total?: number;
  stream: ProgressStream;
  /** Milliseconds, only differences count (performance.now by default; a test passes its own). */
  now?: () => number;
  /** Off for --json or a small transfer; it is off anyway when the stream is not a terminal. */
  enabled?: boolean;
  /** Least time between two drawings (default 200 ms). */
  intervalMs?: number;
  /** Before the figures, e.g. "read". */
  label?: string;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
/** 1536 -> "1.5 KiB": three significant figures at most, binary units. */
export function bytesText(n: number): string {
  let u = 0;
  while (n >= 1024 && u < UNITS.length - 1) [n, u] = [n / 1024, u + 1];
  return `${u === 0 ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${UNITS[u]}`;
}
/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function clockText(s: number): string {
  const t = Math.max(0, Math.round(s));
  const [h, m, sec] = [Math.floor(t / 3600), Math.floor((t % 3600) / 60), t % 60];
  const two = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

export class Progress {
  readonly #o: ProgressOptions;
  readonly #now: () => number;
  readonly #on: boolean;
  readonly #started: number;
  #drawn = -Infinity;
  #done = 0;
  #ended = false;

  constructor(o: ProgressOptions) {
    this.#o = o;
    this.#now = o.now ?? (() => performance.now());
    this.#on = (o.enabled ?? true) && o.stream.isTTY === true;
    this.#started = this.#now();
  }

  /** `done` bytes so far: redrawn when the last drawing is `intervalMs` old. */
  update(done: number): void {
    this.#done = done;
    if (!this.#on || this.#ended) return;
    const t = this.#now();
    if (t - this.#drawn < (this.#o.intervalMs ?? 200)) return;
    this.#drawn = t;
    this.#o.stream.write(`\r${this.line(t, false)}\x1b[K`);
  }

  /** The final figures, left on their line; later calls do nothing. */
  end(): void {
    if (!this.#on || this.#ended) return;
    this.#ended = true;
    this.#o.stream.write(`\r${this.line(this.#now(), true)}\x1b[K\n`);
  }

  /** What the line says at `t`; `last`: the elapsed time instead of the ETA. */
  line(t: number, last: boolean): string {
    const { total, label } = this.#o;
    const seconds = (t - this.#started) / 1000;
    const rate = seconds > 0 ? this.#done / seconds : 0;
    const parts = [
      total === undefined ? bytesText(this.#done) : `${bytesText(this.#done)} of ${bytesText(total)}`,
      total ? `${Math.floor((this.#done / total) * 100)}%` : undefined,
      seconds > 0 ? `${bytesText(rate)}/s` : undefined,
      last
        ? `in ${clockText(seconds)}`
        : total !== undefined && rate > 0
        ? `ETA ${clockText((total - this.#done) / rate)}`
        : undefined,
    ];
    return (label ? `${label}: ` : '') + parts.filter((p) => p !== undefined).join('  ');
  }
}
