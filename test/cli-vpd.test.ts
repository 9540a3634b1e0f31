// inq's page printers on bytes: a page the library has no decoder for is shown as a hex dump.
import { describe, expect, it } from 'vitest';
import { HEX_DUMP, printerFor } from '../cli/vpd-pages.ts';

describe('inq page printers', () => {
  it('a page without a printer is a hex dump, 16 bytes a line with its ASCII', () => {
    const page = Uint8Array.from([0x00, 0x86, 0x00, 0x14, ...Array.from({ length: 20 }, (_, i) => 0x41 + i)]);
    expect(printerFor(0x86)).toBe(HEX_DUMP);
    expect(HEX_DUMP.lines(page)).toEqual([
      '0000: 00 86 00 14 41 42 43 44 45 46 47 48 49 4a 4b 4c  ....ABCDEFGHIJKL',
      '0010: 4d 4e 4f 50 51 52 53 54                          MNOPQRST',
    ]);
    expect(HEX_DUMP.json(page)).toEqual({ hex: '00860014' + '4142434445464748494a4b4c4d4e4f5051525354' });
  });

  it('the block limits page prints every field iscsi-inq prints, from the library decoder', () => {
    const b = new Uint8Array(64);
    [b[1], b[3], b[5], b[23], b[27]] = [0xb0, 0x3c, 8, 0x40, 4];
    expect(printerFor(0xb0).lines(b)).toContain('maximum compare and write length:8');
    expect(printerFor(0xb0).lines(b)).toContain('maximum unmap lba count:64');
    expect(printerFor(0xb0).json(b)).toMatchObject({ maximumUnmapBlockDescriptorCount: 4 });
  });
});
