// Building one outbound PDU in TX: zeroed BHS, optional header digest, data, padding, optional
// data digest, then one ACT_SEND. Digests follow what the session negotiated.
import { ACT_SEND, ACT_SEND_DATA } from "./codes";
import { TX, pad4, put24, put32 } from "./mem";
import { act, txAlloc, txShrink } from "./actions";
import { crc32c } from "./crc32c";
import { Conn, Task, sess, taskRef, SF_HD_ON, SF_DD_ON } from "./records";

let curConn: i32 = -1;
let curAt: u32 = 0;
let curHd: bool = false;
let curDd: bool = false;
let curLost: bool = false;
// Where a PDU is built when this call's TX is full: its callers write as usual, and nothing is
// sent (the call is marked overflowed, a core defect the host reports). The room the framer keeps
// for one PDU's worst case, and the Data-Out pump's own check, make it unreachable today.
const SCRATCH_CAP: u32 = 48 + 4 + 4096 + 4;
const SCRATCH: usize = memory.data(<i32>SCRATCH_CAP, 16);

// Returns where the BHS goes (48 zero bytes); data goes at pduData(), at most dataCap bytes.
export function pduBegin(c: Conn, dataCap: u32): usize {
  const f = sess(c.sess).flags;
  curHd = (f & SF_HD_ON) != 0; curDd = (f & SF_DD_ON) != 0;
  const need: u32 = 48 + 4 + pad4(dataCap) + 4;
  const at = need <= SCRATCH_CAP ? txAlloc(need) : -1;
  curLost = at < 0;
  curConn = c.index; curAt = curLost ? 0 : <u32>at;
  memory.fill(pduAt(), 0, 48);
  return pduAt();
}
@inline function pduAt(): usize { return curLost ? SCRATCH : TX + curAt; }
export function pduData(): usize { return pduAt() + 48 + (curHd ? 4 : 0); }

// The fields every initiator BHS carries: byte 0 (opcode | Immediate), byte 1, the ITT, the
// word at 20 (TTT, or CID << 16), CmdSN and ExpStatSN.
export function stamp(p: usize, b0: u32, b1: u32, itt: u32, w20: u32, cmdSN: u32, expStatSN: u32): void {
  store<u8>(p, <u8>b0); store<u8>(p, <u8>b1, 1);
  put32(p + 16, itt); put32(p + 20, w20); put32(p + 24, cmdSN); put32(p + 28, expStatSN);
}

export function pduEnd(dsl: u32): void {
  if (curLost) return;
  const p = TX + curAt;
  put24(p + 5, dsl);
  let n: u32 = 48;
  if (curHd) { store<u32>(p + 48, crc32c(p, 48)); n += 4; }
  if (dsl > 0) {
    const d = p + n;
    const padded = pad4(dsl);
    memory.fill(d + dsl, 0, padded - dsl);
    n += padded;
    if (curDd) { store<u32>(p + n, crc32c(d, padded)); n += 4; }
  }
  txShrink(curAt, n);
  act(ACT_SEND, <u32>curConn, curAt, n);
}

// Ends a PDU whose data segment is bytes [offset, offset+plen) of task t's buffer, which the
// host holds: the header (and its digest) is in TX; the host writes it, then those bytes, `pad`
// zero bytes and, when the digest flag is set, the data digest it asks the core for.
export function pduEndWithPayload(t: Task, offset: u32, plen: u32): void {
  if (curLost) return;
  const p = TX + curAt;
  put24(p + 5, plen);
  let n: u32 = 48;
  if (curHd) { store<u32>(p + 48, crc32c(p, 48)); n += 4; }
  txShrink(curAt, n);
  act(ACT_SEND_DATA, <u32>curConn, curAt, n, taskRef(t), offset, plen, pad4(plen) - plen, curDd && plen > 0 ? 1 : 0);
}
