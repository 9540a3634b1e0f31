// Chunked PDU framing (llhttp's execute model): one call per socket chunk. A PDU wholly inside
// the chunk is handled in place; only a PDU that straddles chunks is copied into its
// connection's reassembly buffer, whose size is fixed by MAX_RECV_DSL, never by the peer.
// Each valid PDU goes to the handler the connection layer registered (llhttp's settings), so
// this file never imports the layers above it. Framing pauses (llhttp's PAUSED) when the
// action queue could not hold one more PDU's worst case; framerConsumed() says how far it got.
import { MAX_RECV_DSL, ERR_AHS_TOO_LARGE, ERR_DSL_TOO_LARGE, ERR_HEADER_DIGEST, ERR_DATA_DIGEST,
  ERR_FRAMING_STOPPED, ERR_NOT_INITIATOR_PDU } from "./codes";
import { be24, be32, pad4 } from "./mem";
import { checkBhs, opFromTarget, opKnown } from "./pdu";
import { crc32c } from "./crc32c";
import { roomForPdu } from "./actions";
import { Conn, FL_HDIGEST, FL_DDIGEST, FL_STOPPED, FL_RAW, FL_ANY_DIR } from "./records";

// (connection, BHS, data segment, its length): one complete PDU whose digests and BHS rules held.
export type PduHandler = (c: Conn, p: usize, data: usize, dsl: u32) => void;
let handler: PduHandler = (c: Conn, p: usize, data: usize, dsl: u32): void => {};
export function framerOnPdu(h: PduHandler): void { handler = h; }

let consumed: u32 = 0;
export function framerConsumed(): u32 { return consumed; }

// The caller checks limit <= MAX_RECV_DSL (the reassembly buffer's size).
export function framerReset(c: Conn, flags: u32, limit: u32): void {
  c.rxHave = 0; c.rxNeed = 0; c.rxFlags = flags; c.rxLimit = limit; c.rxSum = 0; c.rxCount = 0;
}
export function framerSetDigests(c: Conn, hd: bool, dd: bool): void {
  let f = c.rxFlags & ~(FL_HDIGEST | FL_DDIGEST);
  if (hd) f |= FL_HDIGEST;
  if (dd) f |= FL_DDIGEST;
  c.rxFlags = f;
}

// Whole length of the PDU whose BHS is at p, or a negative ERR_*.
function pduLength(c: Conn, p: usize): i32 {
  const ahs = <u32>load<u8>(p, 4) << 2;
  const dsl = be24(p + 5);
  const f = c.rxFlags;
  if (dsl > c.rxLimit) return ERR_DSL_TOO_LARGE;
  if (ahs > 1020) return ERR_AHS_TOO_LARGE; // cannot happen with a u8 field; kept as the rule
  let n = 48 + ahs + pad4(dsl);
  if (f & FL_HDIGEST) n += 4;
  if ((f & FL_DDIGEST) && dsl > 0) n += 4;
  return <i32>n;
}

function stop(c: Conn, err: i32): i32 {
  c.rxFlags |= FL_STOPPED;
  return err;
}

// Validates one complete PDU and hands it on. Returns 0 or a negative ERR_*.
function deliver(c: Conn, p: usize): i32 {
  const f = c.rxFlags;
  const ahs = <u32>load<u8>(p, 4) << 2;
  const dsl = be24(p + 5);
  let q = p + 48 + ahs;
  if (f & FL_HDIGEST) {
    if (load<u32>(q) != crc32c(p, 48 + ahs)) return ERR_HEADER_DIGEST;
    q += 4;
  }
  if ((f & FL_DDIGEST) && dsl > 0) {
    if (load<u32>(q + pad4(dsl)) != crc32c(q, pad4(dsl))) return ERR_DATA_DIGEST;
  }
  const op = <u32>load<u8>(p) & 0x3F;
  if (!(f & FL_ANY_DIR) && opKnown(op) && !opFromTarget(op)) return ERR_NOT_INITIATOR_PDU;
  const r = checkBhs(p);
  if (r < 0) return r;
  c.rxCount++;
  if (f & FL_RAW) {
    const w = op | (dsl << 8);
    c.rxSum = c.rxSum * 31 + (w ^ be32(p + 16) ^ be32(p + 24));
    return 0;
  }
  handler(c, p, q, dsl);
  return 0;
}

// Frames `len` bytes at `src` for connection c. Returns PDUs completed (>= 0) or a negative ERR_*;
// after an error the connection's framing stays stopped. framerConsumed() is then how many of
// the bytes were taken: all of them, unless the action queue paused framing first.
export function framerFeed(c: Conn, src: usize, len: u32): i32 {
  consumed = len;
  if (c.rxFlags & FL_STOPPED) return ERR_FRAMING_STOPPED;
  const buf = c.rxBuf;
  const gen = c.gen;
  let pos: u32 = 0;
  let done = 0;
  while (pos < len) {
    if (!roomForPdu()) { consumed = pos; return done; }
    let have = c.rxHave;
    if (have == 0 && len - pos >= 48) {
      const n = pduLength(c, src + pos);
      if (n < 0) return stop(c, n);
      if (len - pos >= <u32>n) {
        const r = deliver(c, src + pos);
        if (r < 0) return stop(c, r);
        pos += <u32>n; done++;
        if ((c.rxFlags & FL_STOPPED) || c.gen != gen) return done; // closed (and maybe reused) by the session
        continue;
      }
    }
    if (have < 48) {
      let take: u32 = 48 - have;
      if (take > len - pos) take = len - pos;
      memory.copy(buf + have, src + pos, take);
      have += take; pos += take; c.rxHave = have;
      if (have < 48) break;
      const n = pduLength(c, buf);
      if (n < 0) return stop(c, n);
      c.rxNeed = <u32>n;
    }
    const need = c.rxNeed;
    let take = need - have;
    if (take > len - pos) take = len - pos;
    memory.copy(buf + have, src + pos, take);
    have += take; pos += take; c.rxHave = have;
    if (have == need) {
      c.rxHave = 0;
      const r = deliver(c, buf);
      if (r < 0) return stop(c, r);
      done++;
      if ((c.rxFlags & FL_STOPPED) || c.gen != gen) return done;
    }
  }
  return done;
}
