// VPD pages, UNMAP, WRITE SAME (16), COMPARE AND WRITE and persistent reservations on a session
// (docs/io.md, "Provisioning, COMPARE AND WRITE, reservations, VPD pages") against the built-in
// target, whose unit settings each test picks.
import { describe, expect, it } from 'vitest';
import { NotSupportedError, ReservationConflictError, ScsiError } from 'iscsi-adapter';
import type { RunningTarget, TargetSpec } from 'iscsi-adapter/target';
import { done, ownDisk } from './helpers/own-disk.ts';

const T = 'iqn.2026-11.dev.iscsi-adapter:more';

const disk = (spec: Partial<TargetSpec> = {}, sessions = 1) => ownDisk(T, spec, sessions);
const pattern = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff | 1);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const zeros = (b: Uint8Array) => b.every((x) => x === 0);
// The SCSI commands the target received with opcode `op` (in byte 0 of the CDB).
const sent = (t: RunningTarget, op: number) => t.received.filter((p) => p.opcode === 0x01 && p.bhs[32] === op);
const lastCdb = (t: RunningTarget, op: number) => sent(t, op).map((p) => p.bhs.subarray(32, 48));
const be32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at);

describe('VPD pages', () => {
  it('inquiry() adds the pages page 0x00 lists: serial number, device identification, block limits', async () => {
    const env = await disk({ unit: { maximumUnmapLbaCount: 4096, optimalUnmapGranularity: 16 } });
    const inq = await env.disk.inquiry();
    expect(inq).toMatchObject({ vendor: 'IA', serial: 'IA-0001', vpdPages: [0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2] });
    expect(inq.identification!.map((d) => [d.typeName, d.associationName, d.designator])).toEqual([
      ['T10_VENDOR_ID', 'LOGICAL_UNIT', 'IA      ISCSI-ADAPTER IA-0001'],
      ['NAA', 'LOGICAL_UNIT', expect.stringMatching(/^naa\.3[0-9A-F]{15}$/)],
      ['EUI_64', 'LOGICAL_UNIT', expect.stringMatching(/^eui\.001405[0-9A-F]{10}$/)],
      ['RELATIVE_TARGET_PORT', 'TARGET_PORT', '1'],
      ['SCSI_NAME_STRING', 'TARGET_DEVICE', T],
    ]);
    expect(inq.identification![4]).toMatchObject({ codeSetName: 'UTF8', protocolIdentifier: 5 });
    expect(inq.blockLimits).toMatchObject({
      wsnz: true,
      maximumCompareAndWriteLength: 128,
      maximumUnmapLbaCount: 4096,
      maximumUnmapBlockDescriptorCount: 16,
      optimalUnmapGranularity: 16,
      maximumWriteSameLength: 16384n,
    });
    await done(env);
  });

  it('inquiry() leaves out the pages the unit does not list, and does not ask for them', async () => {
    const env = await disk({ unit: { pages: [0x00, 0x80] } });
    const inq = await env.disk.inquiry();
    expect(inq).toEqual({
      peripheralType: 0,
      vendor: 'IA',
      product: 'ISCSI-ADAPTER',
      revision: '0001',
      serial: 'IA-0001',
      vpdPages: [0x00, 0x80],
    });
    expect(lastCdb(env.target, 0x12).map((c) => c[1] ? c[2] : 'std')).toEqual(['std', 0x00, 0x80]);
    await done(env);
  });

  it('a unit without page 0x00 still gives its serial number (page 0x80), and inquiry() resolves', async () => {
    const env = await disk({ unit: { pages: [0x80] } });
    const inq = await env.disk.inquiry();
    expect(inq.serial).toBe('IA-0001');
    expect(inq.vpdPages).toBeUndefined();
    expect(inq.identification).toBeUndefined();
    await done(env);
  });

  it('vpd() decodes pages 0x00, 0xb1 and 0xb2 into objects told apart by page', async () => {
    const env = await disk();
    expect(await env.disk.vpd(0, 0x00)).toEqual({ page: 0x00, pages: [0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2] });
    expect(await env.disk.vpd(0, 0xb1)).toMatchObject({ page: 0xb1, mediumRotationRate: 1, nominalFormFactor: 3 });
    expect(await env.disk.vpd(0, 0xb2)).toEqual({
      page: 0xb2,
      thresholdExponent: 0,
      lbpu: true,
      lbpws: true,
      lbpws10: false,
      lbprz: true,
      ancSup: false,
      dp: false,
      provisioningType: 2,
    });
    expect(await env.disk.vpd(0, 0x80)).toEqual({ page: 0x80, serial: 'IA-0001' });
    await done(env);
  });

  it('vpd() of a page the unit lacks rejects with its ScsiError; of a page it cannot decode, RangeError unsent', async () => {
    const env = await disk({ unit: { pages: [0x00, 0x80] } });
    const err = await env.disk.vpd(0, 0xb0).catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.message).toBe('ILLEGAL REQUEST: INVALID FIELD IN CDB');
    const before = env.target.received.length;
    // deno-lint-ignore no-explicit-any
    await expect(env.disk.vpd(0, 0x86 as any)).rejects.toThrow(RangeError);
    // deno-lint-ignore no-explicit-any
    await expect(env.disk.vpd(0, '0xb0' as any)).rejects.toThrow(TypeError);
    expect(env.target.received.length).toBe(before);
    await done(env);
  });
});

describe('UNMAP', () => {
  it('the blocks read as zeros afterwards; the blocks around them keep their data', async () => {
    const env = await disk();
    await env.disk.write(0, 0, pattern(64 * 512, 1));
    await env.disk.unmap(0, [{ lba: 8, blocks: 16 }, { lba: 40n, blocks: 8 }]);
    const back = await env.disk.read(0, 0, 64);
    const old = pattern(64 * 512, 1);
    for (const [from, to, zero] of [[0, 8, false], [8, 24, true], [24, 40, false], [40, 48, true], [48, 64, false]]) {
      const part = back.subarray(+from * 512, +to * 512);
      expect(zero ? zeros(part) : same(part, old.subarray(+from * 512, +to * 512))).toBe(true);
    }
    expect(sent(env.target, 0x42)).toHaveLength(1);
    await done(env);
  });

  it('a range larger than the Block Limits allow goes as several commands, each within them', async () => {
    const env = await disk({
      unit: { maximumUnmapLbaCount: 100, maximumUnmapBlockDescriptorCount: 2, optimalUnmapGranularity: 8 },
    });
    await env.disk.write(0, 0, pattern(400 * 512, 2));
    await env.disk.unmap(0, [{ lba: 0, blocks: 200 }, { lba: 300, blocks: 10 }, { lba: 320, blocks: 10 }]);
    // At most 100 blocks and 2 descriptors per command, cut at a multiple of the granularity (8):
    // 96, 96, then 8 with the second range, then the third (parameter lists of 1, 1, 2, 1 descriptors).
    const cmds = sent(env.target, 0x42);
    expect(cmds.map((p) => be32(p.bhs, 20))).toEqual([24, 24, 40, 24]);
    expect(zeros(await env.disk.read(0, 0, 200))).toBe(true);
    expect(zeros(await env.disk.read(0, 300, 10))).toBe(true);
    expect(zeros(await env.disk.read(0, 320, 10))).toBe(true);
    expect(same(await env.disk.read(0, 200, 100), pattern(400 * 512, 2).subarray(200 * 512, 300 * 512))).toBe(true);
    await done(env);
  });

  it('a unit whose page 0xb2 does not set LBPU refuses it with NotSupportedError, and no UNMAP is sent', async () => {
    const env = await disk({ unit: { thin: false } });
    const err = await env.disk.unmap(0, [{ lba: 0, blocks: 8 }]).catch((e) => e);
    expect(err).toBeInstanceOf(NotSupportedError);
    expect(err.message).toBe(
      'UNMAP: LUN 0 does not do it (LBPU is 0 in its Logical Block Provisioning VPD page); nothing was sent',
    );
    expect(sent(env.target, 0x42)).toHaveLength(0);
    await done(env);
  });

  it('a unit without page 0xb2 refuses it too', async () => {
    const env = await disk({ unit: { pages: [0x00, 0x80, 0xb0] } });
    const err = await env.disk.unmap(0, [{ lba: 0, blocks: 8 }]).catch((e) => e);
    expect(err).toBeInstanceOf(NotSupportedError);
    expect(err.message).toMatch(/it has no Logical Block Provisioning VPD page/);
    expect(sent(env.target, 0x42)).toHaveLength(0);
    await done(env);
  });

  it('the limits are asked once per LUN on the session, not before every UNMAP', async () => {
    const env = await disk();
    await env.disk.unmap(0, [{ lba: 0, blocks: 8 }]);
    const asked = sent(env.target, 0x12).length;
    await env.disk.unmap(0, [{ lba: 8, blocks: 8 }]);
    await env.disk.writeSame(0, 16, 8, { unmap: true });
    expect(sent(env.target, 0x12).length).toBe(asked);
    expect(asked).toBe(3); // pages 0x00, 0xb0, 0xb2
    await done(env);
  });

  it('a command of the split that fails stops the rest, and its error says how far the split got', async () => {
    const env = await disk({ unit: { maximumUnmapBlockDescriptorCount: 1 } });
    const err = await env.disk.unmap(0, [{ lba: 0, blocks: 8 }, { lba: 16380, blocks: 8 }, { lba: 100, blocks: 8 }])
      .catch((e) => e);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.message).toBe(
      'UNMAP 2 of 3 (the 1 before it were done): ILLEGAL REQUEST: LOGICAL BLOCK ADDRESS OUT OF RANGE',
    );
    expect(sent(env.target, 0x42)).toHaveLength(2);
    await done(env);
  });

  it('ranges that are not an array of { lba, blocks >= 1 } are rejected before anything is sent', async () => {
    const env = await disk();
    // deno-lint-ignore no-explicit-any
    await expect(env.disk.unmap(0, { lba: 0, blocks: 1 } as any)).rejects.toThrow(TypeError);
    await expect(env.disk.unmap(0, [])).rejects.toThrow(TypeError);
    await expect(env.disk.unmap(0, [{ lba: 0, blocks: 0 }])).rejects.toThrow(RangeError);
    await expect(env.disk.unmap(0, [{ lba: -1, blocks: 1 }])).rejects.toThrow(RangeError);
    expect(env.target.received.filter((p) => p.opcode === 0x01)).toHaveLength(0);
    await done(env);
  });
});

describe('WRITE SAME (16)', () => {
  it('one block of data over many blocks, split at the maximum write same length', async () => {
    const env = await disk({ unit: { maximumWriteSameLength: 64 } });
    const block = pattern(512, 3);
    await env.disk.writeSame(0, 10, 200, { data: block });
    expect(
      lastCdb(env.target, 0x93).map((c) => [Number(new DataView(c.buffer, c.byteOffset).getBigUint64(2)), be32(c, 10)]),
    )
      .toEqual([[10, 64], [74, 64], [138, 64], [202, 8]]);
    const back = await env.disk.read(0, 10, 200);
    expect(Array.from({ length: 200 }, (_, i) => same(back.subarray(i * 512, (i + 1) * 512), block))).not.toContain(
      false,
    );
    await done(env);
  });

  it('with unmap: the UNMAP bit is set and the blocks read as zeros', async () => {
    const env = await disk();
    await env.disk.write(0, 0, pattern(32 * 512, 4));
    await env.disk.writeSame(0, 0, 32, { unmap: true });
    expect(lastCdb(env.target, 0x93)[0][1]).toBe(0x08);
    expect(zeros(await env.disk.read(0, 0, 32))).toBe(true);
    await done(env);
  });

  it('with unmap on a unit whose page 0xb2 does not set LBPWS: NotSupportedError, nothing sent; without, it writes', async () => {
    const env = await disk({ unit: { thin: false } });
    const err = await env.disk.writeSame(0, 0, 8, { unmap: true }).catch((e) => e);
    expect(err).toBeInstanceOf(NotSupportedError);
    expect(err.message).toMatch(/^WRITE SAME \(16\) with UNMAP: LUN 0 does not do it \(LBPWS is 0/);
    expect(sent(env.target, 0x93)).toHaveLength(0);
    await env.disk.writeSame(0, 0, 8, { data: pattern(512, 5) });
    expect(same(await env.disk.read(0, 7, 1), pattern(512, 5))).toBe(true);
    await done(env);
  });

  it('data that is not one block is a RangeError, and no WRITE SAME is sent', async () => {
    const env = await disk();
    const err = await env.disk.writeSame(0, 0, 8, { data: new Uint8Array(1024) }).catch((e) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe('data is 1024 bytes; WRITE SAME takes one block of 512');
    expect(sent(env.target, 0x93)).toHaveLength(0);
    await done(env);
  });
});

describe('COMPARE AND WRITE', () => {
  it('blocks that hold the compared data are replaced: { matched: true }', async () => {
    const env = await disk();
    const old = pattern(2 * 512, 6), next = pattern(2 * 512, 7);
    await env.disk.write(0, 50, old);
    expect(await env.disk.compareAndWrite(0, 50, old, next)).toEqual({ matched: true });
    expect(same(await env.disk.read(0, 50, 2), next)).toBe(true);
    await done(env);
  });

  it('a MISCOMPARE resolves { matched: false, offset } with the first byte that differs, and nothing is written', async () => {
    const env = await disk();
    const old = pattern(2 * 512, 6), next = pattern(2 * 512, 7);
    await env.disk.write(0, 50, old);
    const guess = old.slice();
    guess[700] ^= 0xff;
    expect(await env.disk.compareAndWrite(0, 50n, guess, next)).toEqual({ matched: false, offset: 700 });
    expect(same(await env.disk.read(0, 50, 2), old)).toBe(true);
    await done(env);
  });

  it('more blocks than the unit takes at once is a RangeError (never split); a unit with a maximum of 0 refuses it', async () => {
    const env = await disk({ unit: { maximumCompareAndWriteLength: 4 } });
    const err = await env.disk.compareAndWrite(0, 0, new Uint8Array(5 * 512), new Uint8Array(5 * 512)).catch((e) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toBe('COMPARE AND WRITE of 5 blocks: LUN 0 takes at most 4 at once');
    expect(sent(env.target, 0x89)).toHaveLength(0);
    await done(env);
    const none = await disk({ unit: { maximumCompareAndWriteLength: 0 } });
    const refused = await none.disk.compareAndWrite(0, 0, new Uint8Array(512), new Uint8Array(512)).catch((e) => e);
    expect(refused).toBeInstanceOf(NotSupportedError);
    expect(sent(none.target, 0x89)).toHaveLength(0);
    await done(none);
  });
});

describe('persistent reservations', () => {
  const K1 = 0x1122334455667788n, K2 = 0xfedcba9876543210n;

  it('register and reserve write-exclusive: READ KEYS and READ RESERVATION show them', async () => {
    const env = await disk({}, 2);
    const [a, b] = env.disks;
    await a.prRegister(0, K1);
    await b.prRegister(0, K2);
    await a.prReserve(0, K1, 'write-exclusive');
    expect(await b.prReadKeys(0)).toEqual({ generation: 2, keys: [K1, K2] });
    expect(await b.prReadReservation(0)).toEqual({ generation: 2, reservation: { key: K1, type: 'write-exclusive' } });
    await done(env);
  });

  it("under write-exclusive another session's write is a ReservationConflictError; its read and the holder's write go", async () => {
    const env = await disk({}, 2);
    const [a, b] = env.disks;
    await a.prRegister(0, K1);
    await a.prReserve(0, K1, 'write-exclusive');
    const err = await b.write(0, 0, new Uint8Array(512)).catch((e) => e);
    expect(err).toBeInstanceOf(ReservationConflictError);
    expect(err).toBeInstanceOf(ScsiError);
    expect(err.status).toBe(0x18);
    expect(err.message).toMatch(/^RESERVATION CONFLICT: another initiator holds a reservation of this logical unit/);
    expect((await b.read(0, 0, 1)).length).toBe(512);
    await a.write(0, 0, pattern(512, 8));
    await a.prRelease(0, K1, 'write-exclusive');
    await b.write(0, 0, new Uint8Array(512));
    expect(await a.prReadReservation(0)).toEqual({ generation: 1 });
    await done(env);
  });

  it("under exclusive-access another session's read conflicts too", async () => {
    const env = await disk({}, 2);
    const [a, b] = env.disks;
    await a.prRegister(0, K1);
    await a.prReserve(0, K1, 'exclusive-access');
    await expect(b.read(0, 0, 1)).rejects.toBeInstanceOf(ReservationConflictError);
    await done(env);
  });

  it('registrants-only lets every registered session write, and keeps out the others', async () => {
    const env = await disk({}, 3);
    const [a, b, c] = env.disks;
    await a.prRegister(0, K1);
    await b.prRegister(0, K2);
    await a.prReserve(0, K1, 'write-exclusive-registrants-only');
    await b.write(0, 0, new Uint8Array(512));
    await expect(c.write(0, 0, new Uint8Array(512))).rejects.toBeInstanceOf(ReservationConflictError);
    await done(env);
  });

  it('REGISTER with a key that is not ours conflicts; REGISTER AND IGNORE EXISTING KEY replaces it; 0n unregisters', async () => {
    const env = await disk();
    await env.disk.prRegister(0, K1);
    await expect(env.disk.prRegister(0, K2, { key: 5n })).rejects.toBeInstanceOf(ReservationConflictError);
    await env.disk.prRegister(0, K2, { ignoreExisting: true });
    expect((await env.disk.prReadKeys(0)).keys).toEqual([K2]);
    await env.disk.prRegister(0, 0n, { key: K2 });
    expect(await env.disk.prReadKeys(0)).toEqual({ generation: 3, keys: [] });
    await done(env);
  });

  it('a reservation held by another session conflicts with RESERVE; CLEAR removes it and every key', async () => {
    const env = await disk({}, 2);
    const [a, b] = env.disks;
    await a.prRegister(0, K1);
    await b.prRegister(0, K2);
    await a.prReserve(0, K1, 'exclusive-access');
    await expect(b.prReserve(0, K2, 'exclusive-access')).rejects.toBeInstanceOf(ReservationConflictError);
    await b.prClear(0, K2);
    expect(await a.prReadKeys(0)).toEqual({ generation: 3, keys: [] });
    expect((await a.prReadReservation(0)).reservation).toBeUndefined();
    await a.write(0, 0, new Uint8Array(512));
    await b.write(0, 0, new Uint8Array(512));
    await done(env);
  });

  it('a key that is not a bigint is a TypeError, an unknown type a RangeError, and nothing is sent', async () => {
    const env = await disk();
    // deno-lint-ignore no-explicit-any
    await expect(env.disk.prRegister(0, 1 as any)).rejects.toThrow('newKey must be a bigint');
    await expect(env.disk.prRegister(0, 1n << 64n)).rejects.toThrow(RangeError);
    // deno-lint-ignore no-explicit-any
    await expect(env.disk.prReserve(0, K1, 'write-mostly' as any)).rejects.toThrow(
      /^type must be one of write-exclusive, exclusive-access, /,
    );
    expect(env.target.received.filter((p) => p.opcode === 0x01)).toHaveLength(0);
    await done(env);
  });
});
