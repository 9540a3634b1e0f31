// The writes of one microtask turn, handed to the socket as one buffer: commands issued as earlier
// ones complete (a batch of answers resolves a batch of promises) cost one socket write, not one
// each. Every byte is copied once, here, as each host's write queue did before: a queued
// remainder never points into a caller's buffer or Wasm memory.
export function gatherer(send: (bytes: Uint8Array) => void): (b: Uint8Array) => void {
  let parts: Uint8Array[] = [], total = 0;
  const flush = () => {
    const p = parts, n = total;
    [parts, total] = [[], 0];
    if (p.length === 1) return send(p[0].slice());
    const out = new Uint8Array(n);
    p.reduce((at, x) => (out.set(x, at), at + x.length), 0);
    send(out);
  };
  return (b) => {
    if (!parts.length) queueMicrotask(flush);
    parts.push(b);
    total += b.length;
  };
}
