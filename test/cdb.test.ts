// The CDBs the host builds (hosts/scsi/cdb.ts, SBC-3/SPC-4), byte for byte.
import { describe, expect, it } from 'vitest';
import * as cdb from '../hosts/scsi/cdb.ts';
import { CODE } from '../hosts/codes.ts';

const bytes = (c: cdb.Command) => [...c.cdb];

describe('CDBs', () => {
  it('READ (10) while the LBA fits 32 bits and the count 16', () => {
    const c = cdb.read(0x12345678n, 0x100, 512);
    expect(bytes(c)).toEqual([0x28, 0, 0x12, 0x34, 0x56, 0x78, 0, 0x01, 0x00, 0]);
    expect([c.dir, c.edtl]).toEqual([CODE.DIR_READ, 0x100 * 512]);
  });

  it('READ (16) for an LBA above 2^32, every byte of it in place', () => {
    const c = cdb.read(0x0102_0304_0506_0708n, 2, 4096);
    expect(bytes(c)).toEqual([0x88, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 2, 0, 0]);
    expect(c.edtl).toBe(8192);
  });

  it('WRITE (16) for a count above 65535, with FUA', () => {
    const c = cdb.write(7n, 0x10000, 512, true);
    expect(bytes(c)).toEqual([0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0, 7, 0, 1, 0, 0, 0, 0]);
    expect([c.dir, c.edtl]).toEqual([CODE.DIR_WRITE, 0x10000 * 512]);
  });

  it('refuses a transfer over 4 GiB', () => {
    expect(() => cdb.read(0n, 0x100000, 4096 * 2)).toThrow(RangeError);
  });

  it('INQUIRY of a VPD page, READ CAPACITY (16), REPORT LUNS', () => {
    expect(bytes(cdb.inquiry(252, 0x80))).toEqual([0x12, 1, 0x80, 0, 252, 0]);
    expect(bytes(cdb.readCapacity16())).toEqual([0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]);
    expect(bytes(cdb.reportLuns(4096))).toEqual([0xa0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0]);
  });
});
