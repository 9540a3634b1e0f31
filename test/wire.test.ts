// Our bytes through Wireshark's iSCSI dissector: a login, a NOP answer and LogoutFromTarget against
// tgtd, captured on loopback; nothing malformed, and the Logout fields as the contract says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter, hrName } from 'iscsi-adapter';
import { startTgtd, type Tgtd } from './peers/tgtd.ts';
import { startCapture } from './peers/tshark.ts';
import { have } from './peers/daemon.ts';

const T = 'iqn.2026-11.test:wire';

describe('on the wire (tshark)', () => {
  let tgtd: Tgtd;
  beforeAll(async () => {
    for (const [cmd, pkg] of [['tgtd', 'tgt'], ['tshark', 'tshark']]) {
      if (!have(cmd)) {
        throw new Error(
          `${cmd} is not installed: run 'apt-get install -y ${pkg}' (.ci/run does this). These tests do not skip.`,
        );
      }
    }
    tgtd = await startTgtd([{ tid: 1, name: T, digests: true }]);
  }, 60000);
  afterAll(() => tgtd?.stop());

  it(
    'discovery, login with digests and an Immediate Logout per session (the discovery one too), dissected without a complaint',
    async () => {
      const cap = await startCapture(tgtd.port);
      try {
        const a = createAdapter();
        expect(hrName((await a.discover(tgtd.portals[0]).wait({ timeoutMs: 10000 })).hr)).toBe('S_OK');
        for (const portal of tgtd.portals) {
          const r = await a.loginToTarget({ target: T, portal, headerDigest: true, dataDigest: true }).wait({
            timeoutMs: 10000,
          });
          expect(hrName(r.hr)).toBe('S_OK');
        }
        expect(hrName((await a.logoutFromTarget(T).wait({ timeoutMs: 10000 })).hr)).toBe('S_OK');
        await a.close();
        await cap.stop();
        expect(cap.fields(tgtd.port, '_ws.malformed || _ws.expert.severity >= 8388608', ['frame.number'])).toEqual([]);
        const logins = cap.fields(tgtd.port, 'iscsi.opcode == 0x03', ['iscsi.opcode']);
        expect(logins.length).toBeGreaterThanOrEqual(4);
        const lo = cap.fields(tgtd.port, 'iscsi.opcode == 0x06', [
          'iscsi.I',
          'iscsi.logout.reason',
          'iscsi.cmdsn',
          'iscsi.expstatsn',
          'tcp.payload',
        ]);
        expect(lo).toHaveLength(3); // two sessions and the discovery session
        for (const [imm, reason, cmdsn, , payload] of lo) {
          expect(['1', 'True', 'true']).toContain(imm);
          expect(Number(reason)).toBe(0);
          expect(Number(cmdsn)).toBeGreaterThan(0);
          expect(payload.replaceAll(':', '').slice(0, 4)).toBe('4680'); // byte 0 = 0x46, byte 1 = F | reason 0
        }
        const resp = cap.fields(tgtd.port, 'iscsi.opcode == 0x26', ['iscsi.logout.response']);
        expect(resp.map(([r]) => Number(r))).toEqual([0, 0, 0]);
        // CmdSN not advanced: on each connection the Logout carries the CmdSN the next command
        // would take: one past the last non-immediate request's, or the login's when there was none.
        const requests = cap.fields(tgtd.port, 'iscsi.opcode == 0x03 || iscsi.opcode == 0x04 || iscsi.opcode == 0x06', [
          'tcp.stream',
          'iscsi.opcode',
          'iscsi.I',
          'iscsi.cmdsn',
        ]);
        const next = new Map<string, number>();
        for (const [stream, op, imm, cmdsn] of requests) {
          // Login Requests are always Immediate (RFC 7143 §11.12); tshark leaves their I field empty.
          const immediate = Number(op) === 3 || ['1', 'True', 'true'].includes(imm);
          if (Number(op) === 6) expect([stream, Number(cmdsn)]).toEqual([stream, next.get(stream)]);
          else next.set(stream, Number(cmdsn) + (immediate ? 0 : 1));
        }
      } finally {
        cap.dispose();
      }
    },
    60000,
  );

  it('SCSI commands, Data-In, R2T and Data-Out with digests, dissected without a complaint', async () => {
    const cap = await startCapture(tgtd.port);
    try {
      const a = createAdapter();
      const out = await a.loginToTarget({ target: T, portal: tgtd.portals[0], headerDigest: true, dataDigest: true })
        .result({ timeoutMs: 10000 });
      const disk = a.session(out.sessionId!)!;
      await disk.inquiry(1);
      const data = Uint8Array.from({ length: 300 * 1024 }, (_, i) => i & 0xff); // immediate data, then R2T
      await disk.write(1, 0, data);
      expect((await disk.read(1, 0, data.length / 512)).every((x, i) => x === data[i])).toBe(true);
      expect(hrName((await a.logoutFromTarget(T).wait({ timeoutMs: 10000 })).hr)).toBe('S_OK');
      await a.close();
      await cap.stop();
      expect(cap.fields(tgtd.port, '_ws.malformed || _ws.expert.severity >= 8388608', ['frame.number'])).toEqual([]);
      const count = (op: number) => cap.fields(tgtd.port, `iscsi.opcode == ${op}`, ['frame.number']).length;
      expect(count(0x01)).toBeGreaterThanOrEqual(4); // SCSI Command: INQUIRY x2, READ CAPACITY, WRITE, READ
      expect(count(0x25)).toBeGreaterThan(0); // Data-In
      expect(count(0x31)).toBeGreaterThan(0); // R2T
      expect(count(0x05)).toBeGreaterThan(0); // Data-Out
      expect(count(0x21)).toBeGreaterThan(0); // SCSI Response
    } finally {
      cap.dispose();
    }
  }, 60000);
});
