// Peer bytes can never overflow the core's action queue: framing pauses (llhttp's PAUSED) and
// the host feeds the rest of the chunk after draining (docs/core.md, "Pausing").
import { describe, expect, it } from 'vitest';
import { all, Driver, targetPdu } from './helpers/driver.ts';

function pings(n: number): Uint8Array {
  const out = new Uint8Array(n * 48);
  for (let i = 0; i < n; i++) out.set(targetPdu(0x20, 0x80, { ttt: 0x10000 + i, statsn: 3 }), i * 48);
  return out;
}

describe('pausing on a full action queue', () => {
  it('one data() call over 256 KiB of pings stops early, says how much it took, and queues no overflow', () => {
    const d = new Driver();
    const { c } = d.loggedIn(d.target());
    const chunk = pings(Math.floor(d.c.rx.length / 48));
    const { consumed, acts } = d.dataOnce(c, chunk);
    expect(consumed).toBeGreaterThan(0);
    expect(consumed).toBeLessThan(chunk.length);
    expect(consumed % 48).toBe(0); // it stops between PDUs
    expect(all(acts, 'send')).toHaveLength(consumed / 48); // one answer per ping it took
  });

  it('feeding the rest after each drain answers every ping of 1 MiB once, in order', () => {
    const d = new Driver();
    const { c } = d.loggedIn(d.target());
    const n = Math.floor((1 << 20) / 48);
    const sends = all(d.data(c, pings(n)), 'send');
    expect(sends).toHaveLength(n);
    expect(sends.every((s, i) => new DataView(s.bytes.buffer, s.bytes.byteOffset).getUint32(20) === 0x10000 + i)).toBe(
      true,
    );
  });

  it('a chunk the host read into RX itself pauses the same way, and its rest is answered once, in order', () => {
    const d = new Driver();
    const { c } = d.loggedIn(d.target());
    const n = Math.floor(d.c.rx.length / 48);
    d.c.rx.set(pings(n));
    const sends = all(d.data(c, d.c.rx.subarray(0, n * 48)), 'send');
    expect(sends).toHaveLength(n);
    expect(sends.every((s, i) => new DataView(s.bytes.buffer, s.bytes.byteOffset).getUint32(20) === 0x10000 + i)).toBe(
      true,
    );
  });
});
