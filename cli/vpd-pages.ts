// How inq shows each VPD page, one entry per page code: its lines as iscsi-inq prints them and
// its JSON. A page without an entry is shown as a hex dump.
import { vpdPageName } from './scsi-names.ts';

export interface PagePrinter {
  lines(page: Uint8Array): string[];
  json(page: Uint8Array): Record<string, unknown>;
}

const latin1 = new TextDecoder('latin1');
/** The page's bytes after its 4-byte header, as long as its PAGE LENGTH says (and the data has). */
const body = (b: Uint8Array) => b.subarray(4, 4 + ((b[2] << 8) | b[3]));
const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

export const PAGES: Record<number, PagePrinter> = {
  0x00: {
    lines: (b) => [...body(b)].map((p) => `Page:${hex2(p)} ${vpdPageName(p)}`),
    json: (b) => ({ pages: [...body(b)].map((p) => ({ page: p, name: vpdPageName(p) })) }),
  },
  0x80: {
    lines: (b) => [`Unit Serial Number:[${serial(b)}]`],
    json: (b) => ({ serial: serial(b) }),
  },
};

function serial(b: Uint8Array): string {
  return latin1.decode(body(b)).replace(/\0.*$/s, '');
}

/** A page with no printer yet: 16 bytes a line, offset, hex and the printable ASCII. */
export const HEX_DUMP: PagePrinter = {
  lines: (b) => {
    const out: string[] = [];
    for (let i = 0; i < b.length; i += 16) {
      const row = [...b.subarray(i, i + 16)];
      const hex = row.map((x) => x.toString(16).padStart(2, '0')).join(' ');
      const ascii = row.map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
      out.push(`${i.toString(16).padStart(4, '0')}: ${hex.padEnd(47)}  ${ascii}`);
    }
    return out;
  },
  json: (b) => ({ hex: [...b].map((x) => x.toString(16).padStart(2, '0')).join('') }),
};

export const printerFor = (page: number): PagePrinter => PAGES[page] ?? HEX_DUMP;
