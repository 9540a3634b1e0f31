// The progress line of long transfers (cli/progress.ts), driven by a fake clock and a fake terminal.
import { describe, expect, it } from 'vitest';
import { bytesText, clockText, Progress } from '../cli/progress.ts';

const MiB = 1 << 20;
function terminal(isTTY = true) {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string) => void writes.push(s) };
}
function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('progress line', () => {
  it('draws bytes, percent, rate and ETA on one line, redrawn in place', () => {
    const tty = terminal(), c = clock();
    const p = new Progress({ total: 100 * MiB, stream: tty, now: c.now, label: 'read' });
    c.advance(2000);
    p.update(25 * MiB);
    expect(tty.writes).toEqual(['\rread: 25.0 MiB of 100 MiB  25%  12.5 MiB/s  ETA 0:06\x1b[K']);
  });

  it('redraws at most once per interval', () => {
    const tty = terminal(), c = clock();
    const p = new Progress({ total: 100 * MiB, stream: tty, now: c.now, intervalMs: 200 });
    c.advance(100);
    p.update(1 * MiB); // the first drawing
    c.advance(199);
    p.update(2 * MiB); // too soon
    c.advance(1);
    p.update(3 * MiB); // 200 ms after the first
    expect(tty.writes).toHaveLength(2);
    expect(tty.writes[1]).toMatch(/^\r3\.00 MiB of 100 MiB {2}3%/);
  });

  it('the final line stays, with the elapsed time, and ends with a newline; nothing after it', () => {
    const tty = terminal(), c = clock();
    const p = new Progress({ total: 8 * MiB, stream: tty, now: c.now, label: 'write' });
    c.advance(4000);
    p.update(8 * MiB);
    p.end();
    c.advance(1000);
    p.update(8 * MiB);
    p.end();
    expect(tty.writes.at(-1)).toBe('\rwrite: 8.00 MiB of 8.00 MiB  100%  2.00 MiB/s  in 0:04\x1b[K\n');
    expect(tty.writes).toHaveLength(2);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const pipe = terminal(false), c = clock();
    const p = new Progress({ total: 8 * MiB, stream: pipe, now: c.now });
    c.advance(1000);
    p.update(MiB);
    p.end();
    expect(pipe.writes).toEqual([]);
  });

  it('writes nothing when disabled (--json, a small transfer), even on a terminal', () => {
    const tty = terminal(), c = clock();
    const p = new Progress({ total: 8 * MiB, stream: tty, now: c.now, enabled: false });
    c.advance(1000);
    p.update(MiB);
    p.end();
    expect(tty.writes).toEqual([]);
  });

  it('without a total: bytes and rate, no percent, no ETA', () => {
    const tty = terminal(), c = clock();
    const p = new Progress({ stream: tty, now: c.now });
    c.advance(1000);
    p.update(3 * MiB);
    expect(tty.writes).toEqual(['\r3.00 MiB  3.00 MiB/s\x1b[K']);
  });

  it('sizes in binary units, times as m:ss or h:mm:ss', () => {
    expect([bytesText(512), bytesText(1536), bytesText(1.5 * 2 ** 40)]).toEqual(['512 B', '1.50 KiB', '1.50 TiB']);
    expect([clockText(5), clockText(65), clockText(3725)]).toEqual(['0:05', '1:05', '1:02:05']);
  });
});
