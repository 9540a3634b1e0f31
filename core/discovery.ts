// Discovery (RFC 7143 §4.3, Appendix C): SendTargets=All over a discovery session, answers
// handed to the host as texts, then a proper Logout. The operation ends when the session does,
// with the result recorded here in op.hr.
import { S_OK, VDS_E_ISCSI_LOGIN_FAILED, VDS_E_TIMEOUT, ACT_TEXT, TEXT_TARGET_NAME, TEXT_TARGET_ADDRESS,
  TAG_NONE } from "./codes";
import { act, txAlloc } from "./actions";
import { TX, be32, snGt } from "./mem";
import { Conn, Session, op, sess, nextItt, NONE, TEXT_CAP, STEP_NONE, STEP_SEND_TARGETS } from "./records";
import { pduBegin, pduData, pduEnd, stamp } from "./send";
import { wStart, wKey, wStr, wEnd, wLen, addressTag, addrLen } from "./text";
import { armConn, cancelConn, CT_TEXT } from "./timers";
import { logoutSend } from "./logout";

export function sendTargetsRequest(c: Conn, s: Session): void {
  store<u32>(s.carry, 0);
  c.itt = nextItt(s);
  textRequest(c, s, 0xFFFFFFFF);
}

// A Text Request takes a CmdSN (it is not Immediate), so it waits while the command window is
// closed (CmdSN past MaxCmdSN): any PDU that opens the window sends it (discoveryWindowMoved);
// the text timer bounds the wait. ttt 0xFFFFFFFF: SendTargets=All; otherwise an empty request
// that asks for the rest of an answer.
function textRequest(c: Conn, s: Session, ttt: u32): void {
  c.step = STEP_SEND_TARGETS;
  armConn(c, CT_TEXT, s.loginMs);
  if (snGt(s.cmdSN, s.maxCmdSN)) { s.textPending = 1; s.textTtt = ttt; return; }
  s.textPending = 0;
  const first = ttt == 0xFFFFFFFF;
  const p = pduBegin(c, first ? 64 : 0);
  stamp(p, 0x04, 0x80, c.itt, ttt, s.cmdSN, c.expStatSN);
  s.cmdSN++;
  if (!first) { pduEnd(0); return; }
  wStart(pduData(), 64);
  wKey("SendTargets"); wStr("All"); wEnd();
  pduEnd(wLen);
}
export function discoveryWindowMoved(c: Conn, s: Session): void {
  if (!snGt(s.cmdSN, s.maxCmdSN)) textRequest(c, s, s.textTtt);
}

// A key=value pair may straddle Text Responses (C bit): what follows the last NUL waits in
// the session's carry until the next response completes it.
export function textResponse(c: Conn, s: Session, p: usize, data: usize, dsl: u32): void {
  const o = s.op;
  if (c.step != STEP_SEND_TARGETS || s.textPending || be32(p + 16) != c.itt || o == NONE) return;
  const held = load<u32>(s.carry);
  const at = txAlloc(held + dsl);
  if (at < 0) { discoveryTimeout(c); return; }
  memory.copy(TX + at, s.carry + 4, held);
  memory.copy(TX + at + held, data, dsl);
  const all = TX + at, n = held + dsl;
  let end = n;
  while (end > 0 && load<u8>(all + end - 1) != 0) end--;
  if (n - end > TEXT_CAP) {
    op(<i32>o).hr = VDS_E_ISCSI_LOGIN_FAILED; c.step = STEP_NONE; cancelConn(c); logoutSend(s); return;
  }
  memory.copy(s.carry + 4, all + end, n - end);
  store<u32>(s.carry, n - end);
  emitPairs(<i32>o, all, end);
  const b1 = <u32>load<u8>(p, 1);
  if ((b1 & 0x80) == 0 || (b1 & 0x40) != 0) {
    // More to come: an empty Text Request echoing the Target Transfer Tag.
    textRequest(c, s, be32(p + 20));
    return;
  }
  c.step = STEP_NONE;
  cancelConn(c);
  op(<i32>o).hr = S_OK;
  logoutSend(s);
}

export function discoveryTimeout(c: Conn): void {
  const s = sess(c.sess);
  if (s.op != NONE) op(<i32>s.op).hr = VDS_E_TIMEOUT;
  c.step = STEP_NONE;
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
      let tag = TAG_NONE;
      // "host:port,tpgt": the tag goes beside the address, so a login there can check it.
      if (kind == TEXT_TARGET_ADDRESS) { tag = addressTag(p + i + skip, n); n = addrLen; }
      const at = txAlloc(n);
      if (at >= 0) { memory.copy(TX + at, p + i + skip, n); act(ACT_TEXT, <u32>o, kind, <u32>at, n, tag); }
    }
    i = end + 1;
  }
}
function startsWith(p: usize, n: u32, lit: string): bool {
  if (n < <u32>lit.length) return false;
  for (let k = 0; k < lit.length; k++) if (<u32>load<u8>(p + k) != <u32>lit.charCodeAt(k)) return false;
  return true;
}
