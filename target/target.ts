// A small iSCSI target for the demo and for faults real targets will not produce on demand.
// It is test equipment: plain TypeScript over node:net (which Node, Deno and Bun all provide),
// listening on loopback only, on the port the caller picks (0 = any).
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { crc32c } from './crc32c.ts';
import { buildText, hex, parseText, unhex } from './text.ts';
import type { Fault } from './faults.ts';
import { type Lun, type LunSpec, openLun } from './lun.ts';
import { type LogicalUnit, SCSI_FAULTS, type ScsiFault, scsiHandler } from './scsi.ts';
import { Reservations } from './reservations.ts';
import { unitOf, type UnitSpec } from './vpd.ts';

export type { Fault };
export interface TargetSpec {
  name: string;
  fault?: Fault;
  faultArg?: number;
  /** For the 'redirect' and 'redirect-relogin' faults: host:port the target sends the initiator to, */
  redirectTo?: string;
  /** ... with this status: 0x0101 moved temporarily (the default) or 0x0102 moved permanently. */
  redirectStatus?: number;
  chap?: { user: string; secret: string; targetUser?: string; targetSecret?: string };
  /** LUN 0: 8 MiB of memory unless said otherwise. */
  lun?: LunSpec;
  /** What LUN 0 says in its VPD pages (block limits, provisioning) and does accordingly. */
  unit?: UnitSpec;
  /** The digests it takes (default both): it answers HeaderDigest and DataDigest with the first
   *  of the initiator's values among these, or Reject (RFC 7143 §6.2). */
  digests?: ('CRC32C' | 'None')[];
}
export interface TargetOptions {
  host?: string;
  port?: number;
  targets: TargetSpec[];
  /** Discovery sessions must authenticate with CHAP (istgt's DiscoveryAuthMethod CHAP). */
  discoveryChap?: { user: string; secret: string; targetUser?: string; targetSecret?: string };
}
export interface ReceivedPdu {
  target: string;
  opcode: number;
  bhs: Uint8Array;
  dataLength: number;
}
export interface RunningTarget {
  host: string;
  port: number;
  portal: string;
  received: ReceivedPdu[];
  /** Sessions in Full Feature Phase right now. */
  sessions(): number;
  close(): Promise<void>;
}

const be32 = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const put32 = (b: Uint8Array, o: number, v: number) => {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
};
const put16 = (b: Uint8Array, o: number, v: number) => {
  b[o] = v >>> 8;
  b[o + 1] = v;
};

const span = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
// 'reserved-bits': per target opcode, the reserved bits of byte 1 and the reserved bytes (RFC 7143
// §11), the ones a sender must leave zero and a receiver must ignore.
const RESERVED: Record<number, [number, number[]]> = {
  0x20: [0x7f, [2, 3, ...span(36, 47)]],
  0x21: [0x61, []], // bytes 8-15: the command's LUN, echoed
  0x22: [0x7f, [3, ...span(8, 15), ...span(20, 23), ...span(36, 47)]],
  0x24: [0x3f, [2, 3, ...span(36, 47)]],
  0x25: [0x38, [2]],
  0x26: [0x7f, [3, ...span(8, 15), ...span(20, 23), ...span(36, 39), ...span(44, 47)]],
  0x31: [0x7f, [2, 3]],
  0x32: [0x7f, [2, 3, ...span(20, 23), ...span(44, 47)]],
  0x3f: [0x7f, [3, ...span(8, 15), ...span(20, 23), ...span(40, 47)]],
};
function setReserved(bhs: Uint8Array, lun: Uint8Array | undefined) {
  const op = bhs[0] & 0x3f;
  const [b1, bytes] = RESERVED[op] ?? [0, []];
  bhs[0] |= 0xc0; // bit 7 and the I bit
  bhs[1] |= b1;
  for (const i of bytes) bhs[i] = 0xa5;
  if (op === 0x21 && lun) bhs.set(lun, 8);
  if (op === 0x25 && !(bhs[1] & 0x01)) bhs[3] = 0xa5; // Status is reserved without the S bit
}
const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => i * 13 + 1);

export function startTarget(opts: TargetOptions): Promise<RunningTarget> {
  const host = opts.host ?? '127.0.0.1';
  const received: ReceivedPdu[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let live = 0;
  const luns = new Map<TargetSpec, Lun>();
  const lunOf = (t: TargetSpec) => {
    let l = luns.get(t);
    if (!l) luns.set(t, l = openLun(t.lun));
    return l;
  };
  // Each target's reservations and VPD settings, shared by all its connections.
  const units = new Map<TargetSpec, LogicalUnit>();
  const unitFor = (t: TargetSpec) => {
    let u = units.get(t);
    if (!u) units.set(t, u = { unit: unitOf(t.unit), name: t.name, reservations: new Reservations() });
    return u;
  };
  let nextTsih = 1;
  // Faults played once per target, across its connections ('drop-mid-read', ...): target name + what.
  const played = new Set<string>();
  // 'refuse-relogin': the ISIDs each target has seen logging in, and how many re-logins it refused.
  const isids = new Map<string, Set<string>>();
  const refused = new Map<string, number>();
  // 'silent-logins': the logins each target has answered.
  const answered = new Map<string, number>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    sockets.add(sock);
    sock.setNoDelay(true);
    let buf: Uint8Array = new Uint8Array(0);
    let spec: TargetSpec | undefined;
    let discovery = false;
    let ffp = false;
    let statSN = 1;
    let expCmdSN = 0;
    let hd = false, dd = false;
    let tsih = 0;
    let chapState: { id: number; challenge: Uint8Array } | undefined;
    let authed = false;
    const lunOfTask = new Map<number, Uint8Array>(); // 'reserved-bits': ITT -> LUN, for the echo
    let batch: Uint8Array[] | undefined; // writes gathered for one socket write (ScsiIo.together)
    sock.on('close', () => {
      sockets.delete(sock);
      if (ffp) {
        ffp = false;
        live--;
      }
    });
    sock.on('error', () => {});
    sock.on('end', () => sock.end());

    const send = (
      bhs: Uint8Array,
      data: Uint8Array = new Uint8Array(0),
      split = false,
      then?: () => void,
      extra?: Uint8Array, // more bytes in the same write (junk after a PDU)
    ) => {
      if (ffp && spec?.fault === 'reserved-bits') {
        const itt = be32(bhs, 16);
        setReserved(bhs, lunOfTask.get(itt));
        if ((bhs[0] & 0x3f) === 0x21 || ((bhs[0] & 0x3f) === 0x25 && bhs[1] & 0x01)) lunOfTask.delete(itt);
      }
      put32(bhs, 4, data.length & 0xffffff);
      bhs[4] = 0;
      const pad = (4 - (data.length % 4)) % 4;
      const parts: Uint8Array[] = [bhs];
      if (hd) {
        const d = new Uint8Array(4);
        new DataView(d.buffer).setUint32(0, crc32c(bhs), true);
        parts.push(d);
      }
      if (data.length) {
        const padded = new Uint8Array(data.length + pad);
        padded.set(data);
        parts.push(padded);
        if (dd) {
          const d = new Uint8Array(4);
          new DataView(d.buffer).setUint32(0, crc32c(padded), true);
          parts.push(d);
        }
      }
      if (extra) parts.push(extra);
      const all = Buffer.concat(parts);
      if (!split) {
        if (batch) batch.push(all);
        else sock.write(all);
        return;
      }
      let i = 0;
      const step = () => {
        if (sock.destroyed) return;
        if (i === all.length) {
          then?.();
          return;
        }
        sock.write(all.subarray(i, i + 1));
        i++;
        later(1, step);
      };
      step();
    };
    const header = (op: number, b1: number, itt: number, advance = true) => {
      const h = new Uint8Array(48);
      h[0] = op;
      h[1] = b1;
      put32(h, 16, itt);
      put32(h, 24, statSN);
      if (advance) statSN++;
      put32(h, 28, expCmdSN);
      put32(h, 32, spec?.fault === 'window-closed' ? expCmdSN - 1 : expCmdSN + 32);
      return h;
    };

    const loginReply = (
      req: Uint8Array,
      keys: [string, string][],
      transit: boolean,
      csg: number,
      nsg: number,
      status = 0,
      junk?: Uint8Array,
    ) => {
      const h = header(0x23, (transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0), be32(req, 16));
      h.set(req.subarray(8, 14), 8);
      if (transit && nsg === 3 && status === 0) tsih = nextTsih++;
      put16(h, 14, tsih);
      h[36] = status >> 8;
      h[37] = status & 0xff;
      send(h, buildText(keys), false, undefined, junk);
      if (status !== 0) sock.end();
    };

    const afterLogin = () => {
      ffp = true;
      live++;
      if (spec) {
        scsi = scsiHandler(
          lunOf(spec),
          {
            header,
            send: (bhs, data) => send(bhs, data),
            limits: () => ({ dataIn: dataInMax, burst }),
            later: (ms, fn) =>
              later(ms, () => {
                if (ffp && !sock.destroyed) fn();
              }),
            together: (fn) => {
              batch = [];
              try {
                fn();
              } finally {
                const all = Buffer.concat(batch);
                batch = undefined;
                sock.write(all);
              }
            },
            raw: (bytes) => void sock.write(bytes),
            once: (what) => {
              const key = `${spec!.name}\0${what}`;
              if (played.has(key)) return false;
              played.add(key);
              return true;
            },
            drop: () => void sock.destroy(),
            nexus: () => nexus,
          },
          (SCSI_FAULTS as readonly string[]).includes(spec.fault ?? '') ? spec.fault as ScsiFault : undefined,
          spec.faultArg,
          unitFor(spec),
        );
      }
      hd = hdPending;
      dd = ddPending;
      const f = spec?.fault;
      const async = (ev: number, p3: number, p1 = 0) => {
        const h = header(0x32, 0x80, 0xffffffff);
        h[36] = ev;
        put16(h, 38, p1);
        put16(h, 42, p3);
        send(h);
      };
      if (f === 'async-logout') later(30, () => async(1, spec?.faultArg ?? 5));
      if (f === 'async-drop-all') {
        later(30, () => {
          async(3, 0);
          later(20, () => sock.destroy());
        });
      }
      if (f === 'async-drop-conn') {
        later(30, () => {
          async(2, 0, 1);
          later(20, () => sock.destroy());
        });
      }
      if (f === 'async-renegotiate') later(30, () => async(4, 5));
      if (f === 'reject-waiting') {
        later(30, () => {
          const h = header(0x3f, 0x80, 0xffffffff);
          h[2] = 0x0c;
          send(h, new Uint8Array(48));
        });
      }
      if (f === 'nop-ping') {
        later(30, () => {
          const h = header(0x20, 0x80, 0xffffffff, false);
          put32(h, 20, 0x1234);
          send(h);
        });
      }
      if (f === 'long-pdus') {
        later(30, () => {
          const ping = header(0x20, 0x80, 0xffffffff, false);
          put32(ping, 20, 0x5678);
          send(ping, pattern(Math.min(65536, dataInMax)));
          const vendor = header(0x32, 0x80, 0xffffffff);
          vendor[36] = 255; // AsyncEvent 255: vendor specific, its data in the data segment
          send(vendor, pattern(Math.min(12288, dataInMax)));
        });
      }
      if (f === 'ping-flood') {
        later(30, () => {
          const n = Math.floor((spec?.faultArg ?? 1 << 20) / 48);
          const all = new Uint8Array(n * 48);
          for (let i = 0; i < n; i++) {
            const h = header(0x20, 0x80, 0xffffffff, false);
            put32(h, 20, 0x10000 + i);
            all.set(h, i * 48);
          }
          sock.write(all);
        });
      }
    };
    let hdPending = false, ddPending = false;
    let dataInMax = 8192, burst = 262144;
    let scsi: ReturnType<typeof scsiHandler> | undefined;
    let loginRest: Uint8Array | undefined;
    let nexus = ''; // initiator name and ISID, from the first login request

    const onLogin = (bhs: Uint8Array, data: Uint8Array) => {
      const keys = parseText(data);
      const b1 = bhs[1];
      const transit = (b1 & 0x80) !== 0, csg = (b1 >> 2) & 3, nsg = b1 & 3;
      expCmdSN = be32(bhs, 24);
      // 'redirect' and 'redirect-relogin': the login answered "moved" with where to go instead.
      const redirect = (t: TargetSpec) =>
        loginReply(bhs, [['TargetAddress', `${t.redirectTo},1`]], false, csg, 0, t.redirectStatus ?? 0x0101);
      if (keys.has('InitiatorName')) {
        nexus = `${keys.get('InitiatorName')},i,0x${hex(bhs.subarray(8, 14))}`;
        discovery = keys.get('SessionType') === 'Discovery';
        spec = discovery ? undefined : opts.targets.find((t) => t.name === keys.get('TargetName'));
        if (!discovery && !spec) return loginReply(bhs, [], false, csg, 0, 0x0203);
        if (spec?.fault === 'login-auth-fail') return loginReply(bhs, [], false, csg, 0, 0x0201);
        if (spec?.fault === 'silent-logins') {
          const n = answered.get(spec.name) ?? 0;
          if (n >= (spec.faultArg ?? 1)) return;
          answered.set(spec.name, n + 1);
        }
        if (spec?.fault === 'refuse-relogin' || spec?.fault === 'redirect-relogin') {
          const isid = hex(bhs.subarray(8, 14));
          const seen = isids.get(spec.name) ?? new Set<string>();
          isids.set(spec.name, seen);
          const n = refused.get(spec.name) ?? 0;
          const limit = spec.fault === 'redirect-relogin' ? 1 : spec.faultArg ?? 1;
          if (seen.has(isid) && n < limit) {
            refused.set(spec.name, n + 1);
            if (spec.fault === 'redirect-relogin') return redirect(spec);
            return loginReply(bhs, [], false, csg, 0, 0x0301);
          }
          seen.add(isid);
        }
        if (spec?.fault === 'redirect') return redirect(spec);
        if (spec?.fault === 'redirect-junk') {
          loginReply(
            bhs,
            [['TargetAddress', `${spec.redirectTo},1`]],
            false,
            csg,
            0,
            0x0101,
            new Uint8Array(48).fill(0xee),
          );
          return;
        }
      }
      if (loginRest) { // the initiator asked for the rest of a split answer
        const h = header(0x23, 0x80 | (1 << 2) | 3, be32(bhs, 16));
        h.set(bhs.subarray(8, 14), 8);
        tsih = nextTsih++;
        put16(h, 14, tsih);
        send(h, loginRest);
        loginRest = undefined;
        return afterLogin();
      }
      if (csg === 0) {
        const chap = discovery ? opts.discoveryChap : spec?.chap;
        // Declared once, in the answer to the first request, as tgtd and istgt do.
        const tpgt: [string, string][] = spec?.fault === 'tpgt-security' && keys.has('InitiatorName')
          ? [['TargetPortalGroupTag', String(spec.faultArg ?? 1)]]
          : [];
        if (!chap && spec?.fault === 'skip-operational') {
          loginReply(bhs, [['AuthMethod', 'None']], true, 0, 3);
          return afterLogin();
        }
        if (!chap) return loginReply(bhs, [...tpgt, ['AuthMethod', 'None']], transit, 0, nsg);
        const methods = keys.get('AuthMethod');
        if (methods !== undefined) {
          if (!methods.split(',').includes('CHAP')) return loginReply(bhs, [], false, 0, 0, 0x0201);
          return loginReply(bhs, [...tpgt, ['AuthMethod', 'CHAP']], false, 0, 0);
        }
        if (keys.has('CHAP_A')) {
          if (!keys.get('CHAP_A')!.split(',').includes('5')) return loginReply(bhs, [], false, 0, 0, 0x0201);
          chapState = { id: randomBytes(1)[0], challenge: randomBytes(16) };
          return loginReply(
            bhs,
            [['CHAP_A', '5'], ['CHAP_I', String(chapState.id)], ['CHAP_C', hex(chapState.challenge)]],
            false,
            0,
            0,
          );
        }
        if (keys.has('CHAP_R') && chapState) {
          const want = createHash('md5').update(Uint8Array.of(chapState.id)).update(chap.secret).update(
            chapState.challenge,
          ).digest();
          const got = unhex(keys.get('CHAP_R')!);
          if (keys.get('CHAP_N') !== chap.user || Buffer.compare(Buffer.from(got), want) !== 0) {
            return loginReply(bhs, [], false, 0, 0, 0x0201);
          }
          authed = true;
          const reply: [string, string][] = [];
          if (keys.has('CHAP_C') && chap.targetUser && chap.targetSecret) {
            const r = createHash('md5').update(Uint8Array.of(Number(keys.get('CHAP_I')))).update(chap.targetSecret)
              .update(unhex(keys.get('CHAP_C')!)).digest();
            reply.push(['CHAP_N', chap.targetUser], ['CHAP_R', hex(r)]);
          }
          return loginReply(bhs, reply, transit, 0, nsg);
        }
        return loginReply(bhs, [], false, 0, 0, 0x0200);
      }
      if ((discovery ? opts.discoveryChap : spec?.chap) && !authed) return loginReply(bhs, [], false, csg, 0, 0x0201);
      const reply: [string, string][] = [];
      const takes = spec?.digests ?? ['CRC32C', 'None'];
      const dig = (k: string) => keys.get(k)?.split(',').find((v) => takes.includes(v as 'None')) ?? 'Reject';
      if (keys.has('HeaderDigest')) {
        reply.push(['HeaderDigest', dig('HeaderDigest')]);
        hdPending = dig('HeaderDigest') === 'CRC32C';
      }
      if (keys.has('DataDigest')) {
        reply.push(['DataDigest', dig('DataDigest')]);
        ddPending = dig('DataDigest') === 'CRC32C';
      }
      const f = spec?.fault;
      if (keys.has('MaxRecvDataSegmentLength')) dataInMax = Number(keys.get('MaxRecvDataSegmentLength'));
      if (keys.has('MaxBurstLength')) burst = Math.min(burst, Number(keys.get('MaxBurstLength')));
      if (f === 'burst-16k') burst = 16384;
      for (const [k, v] of keys) {
        if (k.endsWith('Digest') || k.startsWith('X-')) continue;
        let answer = v;
        if (f === 'bad-negotiation' && k === 'MaxBurstLength') answer = '1048576';
        if (f === 'key-split' && k === 'MaxBurstLength') answer = '65536';
        if (f === 'burst-16k' && k === 'MaxBurstLength') answer = '16384';
        if (f === 'burst-16k' && k === 'FirstBurstLength') answer = '65536';
        if (f === 'first-burst-irrelevant' && k === 'ImmediateData') answer = 'No';
        if (f === 'first-burst-irrelevant' && k === 'FirstBurstLength') answer = 'Irrelevant';
        if (f === 'first-burst-reject' && k === 'FirstBurstLength') answer = 'Reject';
        if (f === 'first-burst-not-understood' && k === 'FirstBurstLength') answer = 'NotUnderstood';
        if (f === 'out-of-range' && k === 'MaxRecvDataSegmentLength') answer = '4294967808';
        if (f === 'r2t-together' && k === 'MaxRecvDataSegmentLength') answer = '512';
        if (f === 'r2t-together' && k === 'ImmediateData') answer = 'No';
        if (f === 'hex-numbers' && /^\d+$/.test(v)) {
          answer = '0x' + Number(k === 'MaxRecvDataSegmentLength' ? 8192 : v).toString(16);
        }
        reply.push([k, answer]);
      }
      if (f === 'propose-key' && keys.get('X-com.example.Foo') !== 'NotUnderstood') {
        return loginReply(bhs, [...reply, ['X-com.example.Foo', '1']], false, 1, 0);
      }
      if (f === 'key-split' && transit && nsg === 3) {
        const text = buildText(reply);
        const at = new TextDecoder().decode(text).indexOf('MaxBurstLength=') + 8;
        const h = header(0x23, 0x40 | (1 << 2), be32(bhs, 16)); // C=1, T=0, CSG 1
        h.set(bhs.subarray(8, 14), 8);
        send(h, text.subarray(0, at));
        loginRest = text.slice(at);
        return;
      }
      loginReply(bhs, reply, transit, 1, nsg);
      if (transit && nsg === 3) afterLogin();
    };

    let textRest: Uint8Array | undefined;
    const onText = (bhs: Uint8Array, data: Uint8Array) => {
      expCmdSN = be32(bhs, 24) + 1;
      if (be32(bhs, 20) !== 0xffffffff && textRest) {
        const h = header(0x24, 0x80, be32(bhs, 16));
        put32(h, 20, 0xffffffff);
        send(h, textRest);
        textRest = undefined;
        return;
      }
      const keys = parseText(data);
      const pairs: [string, string][] = [];
      if (discovery && keys.get('SendTargets') === 'All') {
        for (const t of opts.targets) pairs.push(['TargetName', t.name], ['TargetAddress', `${host}:${port},1`]);
      }
      const all = buildText(pairs);
      if (opts.targets.some((t) => t.fault === 'text-split') && all.length > 8) {
        const cut = Math.floor(all.length / 2) + 3;
        textRest = all.slice(cut);
        const h = header(0x24, 0x40, be32(bhs, 16));
        put32(h, 20, 0x99); // C=1, F=0, TTT for the rest
        send(h, all.slice(0, cut));
        return;
      }
      const h = header(0x24, 0x80, be32(bhs, 16));
      put32(h, 20, 0xffffffff);
      send(h, all);
    };

    const onLogout = (bhs: Uint8Array) => {
      const f = spec?.fault ?? 'none';
      const reply = (response: number, data?: Uint8Array, split = false, then?: () => void) => {
        const h = header(0x26, 0x80, be32(bhs, 16));
        h[2] = response;
        put16(h, 40, response ? 2 : 0);
        put16(h, 42, response ? 20 : 0);
        send(h, data, split, then);
      };
      const finish = () => {
        if (ffp) {
          ffp = false;
          live--;
        }
        sock.end();
      };
      switch (f) {
        case 'no-response':
          return;
        case 'nop-during-logout': {
          const ping = header(0x20, 0x80, 0xffffffff, false);
          put32(ping, 20, 0x4321);
          send(ping);
          later(50, () => {
            reply(0);
            finish();
          });
          return;
        }
        case 'late-response':
          later(spec?.faultArg ?? 200, () => {
            reply(0);
            finish();
          });
          return;
        case 'response-1':
          reply(1);
          finish();
          return;
        case 'response-2':
          reply(2);
          finish();
          return;
        case 'response-3':
          reply(3);
          finish();
          return;
        case 'rst':
          sock.resetAndDestroy?.() ?? sock.destroy();
          return;
        case 'fin':
          finish();
          return;
        case 'data-segment':
          reply(0, new Uint8Array([1, 2, 3, 4]));
          return;
        case 'reject-logout': {
          const h = header(0x3f, 0x80, 0xffffffff);
          h[2] = 0x09; // invalid PDU field
          send(h, bhs);
          return;
        }
        case 'no-fin':
          reply(0);
          if (ffp) {
            ffp = false;
            live--;
          }
          return;
        case 'split':
          reply(0, undefined, true, finish);
          return;
        default:
          reply(0);
          finish();
      }
    };

    sock.on('data', (chunk: Buffer) => {
      const merged = new Uint8Array(buf.length + chunk.length);
      merged.set(buf);
      merged.set(chunk, buf.length);
      let at = 0;
      for (;;) {
        if (sock.destroyed || merged.length - at < 48) break; // nothing more is read from a dropped connection
        const dsl = (merged[at + 5] << 16) | (merged[at + 6] << 8) | merged[at + 7];
        const ahs = merged[at + 4] * 4;
        const dataAt = at + 48 + ahs + (hd ? 4 : 0);
        const total = dataAt - at + ((dsl + 3) & ~3) + (dd && dsl ? 4 : 0);
        if (merged.length - at < total) break;
        const bhs = merged.slice(at, at + 48);
        const data = merged.subarray(dataAt, dataAt + dsl);
        at += total;
        const op = bhs[0] & 0x3f;
        received.push({ target: spec?.name ?? (discovery ? '(discovery)' : '?'), opcode: op, bhs, dataLength: dsl });
        if (op === 0x03) onLogin(bhs, data);
        else if (op === 0x04) onText(bhs, data);
        else if (op === 0x06) onLogout(bhs);
        else if (op === 0x01) {
          if (!(bhs[0] & 0x40)) expCmdSN = be32(bhs, 24) + 1;
          if (spec?.fault === 'reserved-bits') lunOfTask.set(be32(bhs, 16), bhs.slice(8, 16));
          scsi?.command(bhs, data);
        } else if (op === 0x05) scsi?.dataOut(bhs, data);
        else if (op === 0x02) scsi?.taskManagement(bhs);
        else if (op === 0x00 && be32(bhs, 16) !== 0xffffffff && spec?.fault !== 'nop-silent') {
          const h = header(0x20, 0x80, be32(bhs, 16));
          put32(h, 20, 0xffffffff);
          send(h);
        }
        // NOP-Out answers to our pings, and anything else, need no reply.
      }
      buf = merged.slice(at);
    });
  });

  let port = 0;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      port = (server.address() as net.AddressInfo).port;
      resolve({
        host,
        port,
        portal: `${host}:${port}`,
        received,
        sessions: () => live,
        close: () =>
          new Promise<void>((r) => {
            for (const t of timers) clearTimeout(t);
            for (const l of luns.values()) l.close();
            timers.clear();
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}
