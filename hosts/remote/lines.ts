// Line framing for the daemon's protocol: bytes in, whole lines out, and a line over the limit
// reported once instead of being buffered without end.
export class LineReader {
  #parts: Uint8Array[] = [];
  #held = 0;
  #over = false;
  #decoder = new TextDecoder();

  constructor(private readonly limit: number) {}

  /** The complete lines `chunk` ends (without their newline); 'too-large' once a line passes the
   *  limit, after which the reader yields nothing more (the framing is lost). */
  push(chunk: Uint8Array): string[] | 'too-large' {
    if (this.#over) return [];
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (this.#held + nl - start + 1 > this.limit) return this.#tooLarge();
      this.#parts.push(chunk.subarray(start, nl));
      lines.push(this.#take());
      start = nl + 1;
    }
    const rest = chunk.length - start;
    if (this.#held + rest >= this.limit) return this.#tooLarge();
    if (rest) {
      this.#parts.push(chunk.slice(start));
      this.#held += rest;
    }
    return lines;
  }

  #take(): string {
    const all = new Uint8Array(this.#parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.#parts) {
      all.set(p, at);
      at += p.length;
    }
    this.#parts = [];
    this.#held = 0;
    return this.#decoder.decode(all);
  }
  #tooLarge(): 'too-large' {
    this.#over = true;
    this.#parts = [];
    this.#held = 0;
    return 'too-large';
  }
}
