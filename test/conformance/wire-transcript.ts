// What a recording proxy saw, as a transcript: per connection, the PDUs each side sent in order
// (decoded as in the scripted corpus), then how it ended. The two directions are written apart
// because their interleaving depends on the scheduler, not on the protocol; each direction's own
// order does not. Values chosen at random or by the machine (CHAP numbers, TCP ports, a real
// target's TSIH) are replaced by placeholders, so a transcript is the same on every run.
import { describePdu } from './script.ts';
import type { Direction, ProxiedConnection } from './wire-proxy.ts';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The PDUs in a byte stream (no digests: the wire scenarios do not negotiate them). */
export function splitPdus(stream: Uint8Array): { pdus: Uint8Array[]; trailing: number } {
  const pdus: Uint8Array[] = [];
  let at = 0;
  while (stream.length - at >= 48) {
    const ahs = stream[at + 4] * 4, dsl = (stream[at + 5] << 16) | (stream[at + 6] << 8) | stream[at + 7];
    const len = 48 + ahs + dsl + ((4 - (dsl % 4)) % 4);
    if (stream.length - at < len) break;
    pdus.push(stream.subarray(at, at + len));
    at += len;
  }
  return { pdus, trailing: stream.length - at };
}

export class Normalizer {
  private tsih = new Map<string, number>();
  line(s: string): string {
    // A random CHAP_I or challenge changes the text's length as well.
    if (/CHAP_[ICR]=/.test(s)) s = s.replace(/data=\d+/, 'data=<length>');
    return s
      .replace(/CHAP_(I|C|R)=[^ "|]+/g, 'CHAP_$1=<random>')
      .replace(/(\d+\.\d+\.\d+\.\d+):\d+/g, '$1:<port>')
      .replace(/TSIH[= ](\d+)/g, (m, v: string) => {
        if (v === '0') return m;
        if (!this.tsih.has(v)) this.tsih.set(v, this.tsih.size + 1);
        return `TSIH=#${this.tsih.get(v)}`;
      });
  }
}

/** A loose end is written as 'closed'. After a protocol error the initiator drops the connection,
 *  and whether the kernel sends FIN or RST depends on whether unread bytes were still in its
 *  buffer at that moment; after a reset, on the runtime's socket layer. Neither is protocol. */
function direction(arrow: string, d: Direction, closed: boolean, n: Normalizer, loose: string[]): string[] {
  const { pdus, trailing } = splitPdus(concat(d.bytes));
  const lines = pdus.map((p) => `  ${arrow} ${n.line(describePdu(p))}`);
  if (trailing) lines.push(`  ${arrow} ${trailing} bytes that are not a whole PDU`);
  const end = d.end ?? (closed ? 'closed without FIN (the other side reset)' : 'still open');
  lines.push(`  ${arrow} ${loose.includes(arrow) && closed ? 'closed' : end}`);
  return lines;
}

export function connectionLines(conns: ProxiedConnection[], n: Normalizer, loose: string[] = []): string[] {
  return conns.flatMap((c, i) => [
    `## connection ${i + 1}`,
    ...direction('->', c.out, c.closed, n, loose),
    ...direction('<-', c.in, c.closed, n, loose),
  ]);
}
