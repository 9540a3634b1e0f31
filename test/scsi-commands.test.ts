// UNMAP, WRITE SAME (16), COMPARE AND WRITE and PERSISTENT RESERVE IN/OUT as the host builds
// them (hosts/scsi/provisioning.ts, reservations.ts), byte for byte; how ranges are cut to a
// unit's Block Limits; what READ KEYS and READ RESERVATION answers decode to.
import { describe, expect, it } from 'vitest';
import * as provisioning from '../hosts/scsi/provisioning.ts';
import * as pr from '../hosts/scsi/reservations.ts';
import { CODE } from '../hosts/codes.ts';

const NO_LIMIT = {
  maximumUnmapLbaCount: 0xffffffff,
  maximumUnmapBlockDescriptorCount: 0xffffffff,
  optimalUnmapGranularity: 0,
};
const r = (lba: number | bigint, blocks: number | bigint) => ({ lba: BigInt(lba), blocks: BigInt(blocks) });

describe('CDBs and parameter lists', () => {
  it('UNMAP: lengths in the header, each descriptor an 8-byte LBA and a 4-byte count', () => {
    const { cmd, data } = provisioning.unmap([r(0x0102030405060708n, 0x10), r(5, 0xffffffff)]);
    expect([...cmd.cdb]).toEqual([0x42, 0, 0, 0, 0, 0, 0, 0, 40, 0]);
    expect([cmd.dir, cmd.edtl]).toEqual([CODE.DIR_WRITE, 40]);
    expect([...data]).toEqual([
      ...[0, 38, 0, 32, 0, 0, 0, 0],
      ...[1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0x10, 0, 0, 0, 0],
      ...[0, 0, 0, 0, 0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0],
    ]);
  });

  it('WRITE SAME (16) with the UNMAP bit: one block of data out', () => {
    const c = provisioning.writeSame16(0x100000000n, 0x12345, 4096, true);
    expect([...c.cdb]).toEqual([0x93, 0x08, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0x23, 0x45, 0, 0]);
    expect([c.dir, c.edtl]).toEqual([CODE.DIR_WRITE, 4096]);
    expect(provisioning.writeSame16(0n, 1, 512, false).cdb[1]).toBe(0);
  });

  it('COMPARE AND WRITE: the block count in byte 13, twice the blocks of data out, FUA', () => {
    const c = provisioning.compareAndWrite(7n, 3, 512, true);
    expect([...c.cdb]).toEqual([0x89, 0x08, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 3, 0, 0]);
    expect([c.dir, c.edtl]).toEqual([CODE.DIR_WRITE, 3072]);
  });

  it('PERSISTENT RESERVE IN: the service action and the allocation length', () => {
    const c = pr.reserveIn(pr.IN_READ_RESERVATION, 1024);
    expect([...c.cdb]).toEqual([0x5e, 1, 0, 0, 0, 0, 0, 4, 0, 0]);
    expect([c.dir, c.edtl]).toEqual([CODE.DIR_READ, 1024]);
  });

  it('PERSISTENT RESERVE OUT: scope and type in byte 2, keys and APTPL in the 24-byte list', () => {
    const { cmd, data } = pr.reserveOut(pr.OUT_REGISTER, 0x1122334455667788n, 0xffffffffffffffffn, 0, true);
    expect([...cmd.cdb]).toEqual([0x5f, 0, 0, 0, 0, 0, 0, 0, 24, 0]);
    expect([...data]).toEqual([
      ...[0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88],
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      ...[0, 0, 0, 0, 1, 0, 0, 0],
    ]);
    const reserve = pr.reserveOut(pr.OUT_RESERVE, 1n, 0n, pr.RESERVATION_TYPES['exclusive-access-registrants-only']);
    expect([...reserve.cmd.cdb.subarray(0, 3)]).toEqual([0x5f, 1, 6]);
  });
});

describe('cutting ranges to the Block Limits', () => {
  it('UNMAP without limits: a range over 2^32-1 blocks takes two descriptors of one command', () => {
    expect(provisioning.unmapPlan([r(0, 0x100000005n)], NO_LIMIT)).toEqual([[r(0, 0xffffffff), r(0xffffffff, 6)]]);
  });

  it('UNMAP: 4095 descriptors at most in one command (its parameter list length is 16 bits)', () => {
    const ranges = Array.from({ length: 4096 }, (_, i) => r(i * 2, 1));
    expect(provisioning.unmapPlan(ranges, NO_LIMIT).map((c) => c.length)).toEqual([4095, 1]);
  });

  it('UNMAP: the LBA count cut at whole granules, the descriptor count per command', () => {
    const limits = { maximumUnmapLbaCount: 1000, maximumUnmapBlockDescriptorCount: 3, optimalUnmapGranularity: 64 };
    expect(provisioning.unmapPlan([r(0, 2000), r(5000, 1), r(6000, 1), r(7000, 1)], limits)).toEqual([
      [r(0, 960)],
      [r(960, 960)],
      [r(1920, 80), r(5000, 1), r(6000, 1)],
      [r(7000, 1)],
    ]);
  });

  it('UNMAP: a granularity larger than the count leaves the count as it is', () => {
    const limits = { maximumUnmapLbaCount: 100, maximumUnmapBlockDescriptorCount: 8, optimalUnmapGranularity: 128 };
    expect(provisioning.unmapPlan([r(0, 250)], limits)).toEqual([[r(0, 100)], [r(100, 100)], [r(200, 50)]]);
  });

  it('WRITE SAME: the maximum write same length, and 2^32-1 blocks when the unit gives none (0)', () => {
    expect(provisioning.writeSamePlan(r(10, 250), 100n)).toEqual([r(10, 100), r(110, 100), r(210, 50)]);
    expect(provisioning.writeSamePlan(r(0, 0x100000000n), 0n)).toEqual([r(0, 0xffffffff), r(0xffffffff, 1)]);
  });
});

describe('PERSISTENT RESERVE IN answers', () => {
  it('READ KEYS: the generation and the keys, no more than ADDITIONAL LENGTH says or came', () => {
    const b = Uint8Array.of(0, 0, 0, 9, 0, 0, 0, 16, ...[0, 0, 0, 0, 0, 0, 0, 1], ...[0xff, 0, 0, 0, 0, 0, 0, 2], 7, 7);
    expect(pr.registeredKeys(b)).toEqual({ generation: 9, keys: [1n, 0xff00000000000002n] });
    expect(pr.registeredKeys(b.subarray(0, 20)).keys).toEqual([1n]);
    expect(pr.answerLength(b)).toBe(24);
  });

  it('READ RESERVATION: none, one of a named type, one of a type without a name', () => {
    expect(pr.reservationStatus(Uint8Array.of(0, 0, 0, 4, 0, 0, 0, 0))).toEqual({ generation: 4 });
    const held = new Uint8Array(24);
    held.set([0, 0, 0, 5, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0xab, 0xcd]);
    held[21] = 0x05;
    expect(pr.reservationStatus(held)).toEqual({
      generation: 5,
      reservation: { key: 0xabcdn, type: 'write-exclusive-registrants-only' },
    });
    held[21] = 0x02;
    expect(pr.reservationStatus(held).reservation!.type).toBe('type 0x02');
  });
});
