// VPD page decoding (hosts/scsi/vpd.ts) from bytes a target sent: tgtd 1.0.85's pages for a
// LUN with thin_provisioning=1 (captured with Session.scsi()), pages made by hand for the
// designators tgtd has none of, and pages cut short, which decode without throwing.
import { describe, expect, it } from 'vitest';
import {
  blockDeviceCharacteristics,
  blockLimits,
  decodeVpd,
  designators,
  logicalBlockProvisioning,
  supportedPages,
} from '../hosts/scsi/vpd.ts';

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
const TGTD = {
  0x00: bytes('00000006008083b0b1b2'),
  0x80: bytes('00800024' + '20'.repeat(30) + '626561663131'),
  0x83: bytes(
    '00830048' + '02010024' + '4945542020202020' + '3030303130303031' + '00'.repeat(20) +
      '01030008' + '3000000100000001' + '01030010' + '60000000000000000e00000000010001',
  ),
  0xb0: bytes('00b0003c' + '00800000' + '00'.repeat(12) + 'ffffffff' + 'ffffffff' + '00'.repeat(36)),
  0xb1: bytes('00b10040' + '00'.repeat(64)),
  0xb2: bytes('00b2000400e40200'),
};

describe("tgtd's pages", () => {
  it('0x00: the supported pages', () => {
    expect(supportedPages(TGTD[0x00])).toEqual([0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2]);
  });

  it('0x80: the serial number without its padding', () => {
    expect(decodeVpd(0x80, TGTD[0x80])).toEqual({ page: 0x80, serial: 'beaf11' });
  });

  it('0x83: a T10 vendor id and two NAA designators, in the order sent', () => {
    expect(designators(TGTD[0x83])).toEqual([
      {
        codeSet: 2,
        codeSetName: 'ASCII',
        association: 0,
        associationName: 'LOGICAL_UNIT',
        type: 1,
        typeName: 'T10_VENDOR_ID',
        designator: 'IET     00010001',
      },
      {
        codeSet: 1,
        codeSetName: 'BINARY',
        association: 0,
        associationName: 'LOGICAL_UNIT',
        type: 3,
        typeName: 'NAA',
        designator: 'naa.3000000100000001',
      },
      {
        codeSet: 1,
        codeSetName: 'BINARY',
        association: 0,
        associationName: 'LOGICAL_UNIT',
        type: 3,
        typeName: 'NAA',
        designator: 'naa.60000000000000000E00000000010001',
      },
    ]);
  });

  it('0xb0: the block limits, unlimited UNMAP and no maximum write same length', () => {
    expect(blockLimits(TGTD[0xb0])).toEqual({
      wsnz: false,
      maximumCompareAndWriteLength: 128,
      optimalTransferLengthGranularity: 0,
      maximumTransferLength: 0,
      optimalTransferLength: 0,
      maximumPrefetchLength: 0,
      maximumUnmapLbaCount: 0xffffffff,
      maximumUnmapBlockDescriptorCount: 0xffffffff,
      optimalUnmapGranularity: 0,
      ugavalid: false,
      unmapGranularityAlignment: 0,
      maximumWriteSameLength: 0n,
    });
  });

  it('0xb1: rotation rate and form factor not reported', () => {
    expect(decodeVpd(0xb1, TGTD[0xb1])).toMatchObject({ page: 0xb1, mediumRotationRate: 0, nominalFormFactor: 0 });
  });

  it('0xb2: LBPU, LBPWS, LBPWS10 and LBPRZ (0xe4), thin provisioned', () => {
    expect(logicalBlockProvisioning(TGTD[0xb2])).toEqual({
      thresholdExponent: 0,
      lbpu: true,
      lbpws: true,
      lbpws10: true,
      lbprz: true,
      ancSup: false,
      dp: false,
      provisioningType: 2,
    });
  });
});

describe('pages made by hand', () => {
  it('0x83: EUI-64, a SCSI name string (PIV, iSCSI, NUL padded), a relative target port and a vendor-specific one', () => {
    const name = [...new TextEncoder().encode('iqn.2026-11.x:y,t,0x1'), 0, 0, 0];
    const page = Uint8Array.of(
      0,
      0x83,
      0,
      12 + 4 + name.length + 8 + 7,
      ...[0x01, 0x02, 0, 8, 0x00, 0x14, 0x05, 0xab, 0xcd, 0xef, 0x01, 0x23],
      ...[0x53, 0x98, 0, name.length, ...name],
      ...[0x51, 0x94, 0, 4, 0, 0, 0x01, 0x02],
      ...[0x01, 0x00, 0, 3, 0xde, 0xad, 0x01],
    );
    expect(designators(page).map((d) => [d.typeName, d.associationName, d.protocolIdentifier, d.designator])).toEqual([
      ['EUI_64', 'LOGICAL_UNIT', undefined, 'eui.001405ABCDEF0123'],
      ['SCSI_NAME_STRING', 'TARGET_PORT', 5, 'iqn.2026-11.x:y,t,0x1'],
      ['RELATIVE_TARGET_PORT', 'TARGET_PORT', 5, '258'],
      ['VENDOR_SPECIFIC', 'LOGICAL_UNIT', undefined, 'DEAD01'],
    ]);
  });

  it('0xb1: a solid state 2.5" unit, FUAB and VBULS', () => {
    const page = new Uint8Array(64);
    page.set([0, 0xb1, 0, 60, 0, 1, 0, 0x03, 0x03]);
    expect(blockDeviceCharacteristics(page)).toEqual({
      mediumRotationRate: 1,
      productType: 0,
      wabereq: 0,
      wacereq: 0,
      nominalFormFactor: 3,
      zoned: 0,
      fuab: true,
      vbuls: true,
    });
  });

  it('0xb0: UGAVALID and the alignment in the same four bytes, a 64-bit maximum write same length', () => {
    const page = new Uint8Array(64);
    page.set([0, 0xb0, 0, 60]);
    page.set([0x80, 0, 0, 0x07], 32);
    page.set([0, 0, 0, 1, 0, 0, 0, 2], 36);
    expect(blockLimits(page)).toMatchObject({
      ugavalid: true,
      unmapGranularityAlignment: 7,
      maximumWriteSameLength: (1n << 32n) + 2n,
    });
  });
});

describe('pages cut short', () => {
  it('0xb0 of SBC-2 (16 bytes): the fields it has, the later ones 0 ("not reported")', () => {
    const page = Uint8Array.of(0, 0xb0, 0, 12, 0, 0, 0, 8, 0, 0, 1, 0, 0, 0, 0, 0x40);
    expect(blockLimits(page)).toMatchObject({
      optimalTransferLengthGranularity: 8,
      maximumTransferLength: 256,
      optimalTransferLength: 64,
      maximumUnmapLbaCount: 0,
      maximumWriteSameLength: 0n,
    });
  });

  it('0x83 whose last designator runs past the bytes that came: the whole ones, without it', () => {
    const cut = TGTD[0x83].subarray(0, 4 + 40 + 12 + 6);
    expect(designators(cut).map((d) => d.designator)).toEqual(['IET     00010001', 'naa.3000000100000001']);
  });

  it('a page length beyond the bytes that came, and bytes beyond the page length, are both ignored', () => {
    expect(supportedPages(Uint8Array.of(0, 0, 0, 9, 0x00, 0x80))).toEqual([0x00, 0x80]);
    expect(supportedPages(Uint8Array.of(0, 0, 0, 1, 0x00, 0x80, 0x83))).toEqual([0x00]);
    expect(() => decodeVpd(0xb2, new Uint8Array(2))).not.toThrow();
  });
});
