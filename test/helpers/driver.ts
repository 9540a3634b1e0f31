// Drives the Wasm core directly, with no sockets and no clock: the sans-I/O surface the hosts use.
import { freshCore } from './core.ts';
import { CODE } from '../../hosts/codes.ts';

export interface Action { kind: number; a: number[]; bytes?: number[] }
const enc = new TextEncoder();

export class Driver {
  readonly c = freshCore();
  log: Action[] = [];
  now = 0;

  private drain(n: number): Action[] {
    const out: Action[] = [];
    for (let i = 0; i < n; i++) {
      const r = [...this.c.act.subarray(i * 8, i * 8 + 8)];
      const act: Action = { kind: r[0], a: r.slice(1) };
      if (r[0] === CODE.ACT_SEND) act.bytes = [...this.c.tx.subarray(r[2], r[2] + r[3])];
      if (r[0] === CODE.ACT_CHAP_ANSWER || r[0] === CODE.ACT_CHAP_VERIFY) act.bytes = [...this.c.tx.subarray(r[4], r[4] + r[5])];
      out.push(act);
    }
    this.log.push(...out);
    return out;
  }
  target(): number { return this.c.core.targetNew(); }
  login(target: number, flags = 0, auth = 0): { op: number; acts: Action[] } {
    const params: [number, Uint8Array][] = [
      [CODE.P_INITIATOR_NAME, enc.encode('iqn.2026-11.dev.test:init')],
      [CODE.P_TARGET_NAME, enc.encode('iqn.2026-11.dev.test:target')],
      [CODE.P_RANDOM, new Uint8Array(32).fill(7)],
    ];
    let at = 0;
    for (const [tag, b] of params) { this.c.io.set([tag, 0, b.length, 0], at); this.c.io.set(b, at + 4); at += 4 + b.length; }
    const op = this.c.core.login(this.now, target, auth, flags, 1000, 2000, at);
    return { op, acts: this.drain(this.c.core.actions()) };
  }
  up(c: number) { return this.drain(this.c.core.up(this.now, c)); }
  data(c: number, bytes: Uint8Array) { this.c.rx.set(bytes); return this.drain(this.c.core.data(this.now, c, bytes.length)); }
  lost(c: number, connectFailed = 0) { return this.drain(this.c.core.lost(this.now, c, connectFailed)); }
  timer(id: number) { return this.drain(this.c.core.timer(this.now, id)); }
  cancel(op: number) { const hr = this.c.core.cancel(this.now, op); const acts = this.drain(this.c.core.actions()); this.log.push({ kind: -1, a: [op, hr >>> 0] }); return acts; }
  logout(target: number, opts: { timeout?: number; conc?: number; deadline?: number; grace?: number } = {}) {
    const op = this.c.core.logout(this.now, target, opts.timeout ?? 15000, opts.conc ?? 64, opts.deadline ?? 0, opts.grace ?? 1000);
    return { op, acts: this.drain(this.c.core.actions()) };
  }
  connState(c: number) { return this.c.core.connState(c); }
}

export const find = (acts: Action[], kind: number) => acts.find((x) => x.kind === kind);
export const kinds = (acts: Action[]) => acts.map((x) => x.kind);

/** A target PDU: 48-byte BHS from fields, plus a text data segment (padded). */
export function targetPdu(op: number, b1: number, f: { itt?: number; ttt?: number; statsn?: number; status?: number; byte2?: number; tsih?: number; w36?: number; w38?: number; w40?: number } = {}, text = ''): Uint8Array {
  const data = enc.encode(text);
  const out = new Uint8Array(48 + ((data.length + 3) & ~3));
  const dv = new DataView(out.buffer);
  out[0] = op; out[1] = b1; out[2] = f.byte2 ?? 0;
  dv.setUint32(4, data.length);
  if (f.tsih !== undefined) dv.setUint16(14, f.tsih);
  dv.setUint32(16, f.itt ?? 0xffffffff);
  dv.setUint32(20, f.ttt ?? (op === 0x23 || op === 0x26 || op === 0x32 || op === 0x3f ? 0 : 0xffffffff));
  dv.setUint32(24, f.statsn ?? 1); dv.setUint32(28, 1); dv.setUint32(32, 32);
  if (f.status !== undefined) dv.setUint16(36, f.status);
  if (f.w36 !== undefined) dv.setUint32(36, f.w36);
  if (f.w38 !== undefined) dv.setUint16(38, f.w38);
  if (f.w40 !== undefined) dv.setUint32(40, f.w40);
  out.set(data, 48);
  return out;
}
export const ittOf = (bytes: number[]) => new DataView(Uint8Array.from(bytes).buffer).getUint32(16);
