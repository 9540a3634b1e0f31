// Commands in flight, answered in the order they were issued: a bulk transfer keeps `depth` of
// them going and takes each result in turn, so its data comes out in block order whatever order
// the target answers in.
export class Window<T> {
  #queue: Promise<T>[] = [];
  constructor(readonly depth: number) {}

  get full(): boolean {
    return this.#queue.length >= this.depth;
  }
  get size(): number {
    return this.#queue.length;
  }
  add(p: Promise<T>): void {
    // Its rejection is taken when its turn comes; until then it must not count as unhandled.
    p.catch(() => {});
    this.#queue.push(p);
  }
  /** The oldest still to be taken, or undefined when none is in flight. */
  next(): Promise<T> | undefined {
    return this.#queue.shift();
  }
  /** Waits for every one still in flight to end, however it ends (nothing is left running). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.#queue.splice(0));
  }
}
