// Discovery (RFC 7143 §4.3, Appendix C): SendTargets=All over a discovery session, answers
// handed to the host as texts, then a proper Logout. The operation ends when the session does,
// with the result recorded here in op.hr.
import { S_OK, VDS_E_ISCSI_LOGIN_FAILED, VDS_E_TIMEOUT, ACT_TEXT, TEXT_TARGET_NAME, TEXT_TARGET_ADDRESS } from "./codes";
import { act, txAlloc } from "./actions";
import { TX, be32 } from "./mem";
import { Conn, Session, op, sess, nextItt, NONE, CARRY_CAP } from "./records";
import { pduBegin, pduData, pduEnd, stamp } from "./send";
import { wStart, wKey, wStr, wEnd, wLen } from "./text";
import { armConn, cancelConn, CT_TEXT } from "./timers";
import { logoutSend } from "./logout";

export const LG_DISCOVERY_TEXT: u32 = 8;

export function sendTargetsRequest(c: Conn, s: Session): void {
  store<u32>(s.carry, 0);
  const p = pduBegin(c, 64);
  const itt = nextItt(s);
  stamp(p, 0x04, 0x80, itt, 0xFFFFFFFF, s.cmdSN, c.expStatSN);
  s.cmdSN++;
  c.itt = itt;
  wStart(pduData(), 64);
  wKey("SendTargets"); wStr("All"); wEnd();
  pduEnd(wLen);
  c.step = LG_DISCOVERY_TEXT;
  armConn(c, CT_TEXT, s.loginMs);
}

// A key=value pair may straddle Text Responses (C bit): what follows the last NUL waits in
// the session's carry until the next response completes it.
export function textResponse(c: Conn, s: Session, p: usize, data: usize, dsl: u32): void {
  const o = s.op;
  if (c.step != LG_DISCOVERY_TEXT || be32(p + 16) != c.itt || o == NONE) return;
  const held = load<u32>(s.carry);
  const at = txAlloc(held + dsl);
  if (at < 0) { discoveryTimeout(c); return; }
  memory.copy(TX + at, s.carry + 4, held);
  memory.copy(TX + at + held, data, dsl);
  const all = TX + at, n = held + dsl;
  let end = n;
  while (end > 0 && load<u8>(all + end - 1) != 0) end--;
  if (n - end > CARRY_CAP) { op(<i32>o).hr = VDS_E_ISCSI_LOGIN_FAILED; c.step = 0; cancelConn(c); logoutSend(s); return; }
  memory.copy(s.carry + 4, all + end, n - end);
  store<u32>(s.carry, n - end);
  emitPairs(<i32>o, all, end);
  const b1 = <u32>load<u8>(p, 1);
  if ((b1 & 0x80) == 0 || (b1 & 0x40) != 0) {
    // More to come: an empty Text Request echoing the Target Transfer Tag.
    const q = pduBegin(c, 0);
    stamp(q, 0x04, 0x80, c.itt, be32(p + 20), s.cmdSN, c.expStatSN);
    s.cmdSN++;
    pduEnd(0);
    armConn(c, CT_TEXT, s.loginMs);
    return;
  }
  c.step = 0;
  cancelConn(c);
  op(<i32>o).hr = S_OK;
  logoutSend(s);
}

export function discoveryTimeout(c: Conn): void {
  const s = sess(c.sess);
  if (s.op != NONE) op(<i32>s.op).hr = VDS_E_TIMEOUT;
  c.step = 0;
  logoutSend(s);
}

function emitPairs(o: i32, p: usize, len: u32): void {
  let i: u32 = 0;
  while (i < len) {
    let end = i;
    while (end < len && load<u8>(p + end) != 0) end++;
    const kind = startsWith(p + i, end - i, "TargetName=") ? TEXT_TARGET_NAME
      : startsWith(p + i, end - i, "TargetAddress=") ? TEXT_TARGET_ADDRESS : 0;
    if (kind) {
      const skip: u32 = kind == TEXT_TARGET_NAME ? 11 : 14;
      let n = end - i - skip;
      if (kind == TEXT_TARGET_ADDRESS) {                // "host:port,tpgt": the portal group tag stays here
        for (let k = n; k > 0; k--) if (load<u8>(p + i + skip + k - 1) == 0x2C) { n = k - 1; break; }
      }
      const at = txAlloc(n);
      if (at >= 0) { memory.copy(TX + at, p + i + skip, n); act(ACT_TEXT, <u32>o, kind, <u32>at, n); }
    }
    i = end + 1;
  }
}
function startsWith(p: usize, n: u32, lit: string): bool {
  if (n < <u32>lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (<u32>load<u8>(p + k) != <u32>lit.charCodeAt(k)) return false;
  return true;
}
