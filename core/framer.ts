// Chunked PDU framing (llhttp's execute model): one call per socket chunk. A PDU wholly inside
// the chunk is handled in place; only a PDU that straddles chunks is copied into its
// connection's reassembly buffer, whose size is fixed by MAX_RECV_DSL, never by the peer.
import { MAX_CONNS, MAX_RECV_DSL, ERR_AHS_TOO_LARGE, ERR_DSL_TOO_LARGE, ERR_HEADER_DIGEST,
  ERR_DATA_DIGEST, ERR_FRAMING_STOPPED, ERR_BAD_CONN, ERR_NOT_INITIATOR_PDU,
  RAW_HEADER_DIGEST, RAW_DATA_DIGEST, RAW_ANY_DIRECTION } from "./codes";
import { be24, be32, pad4, tget, tset } from "./mem";
import { checkBhs, opFromTarget, opKnown } from "./pdu";
import { crc32c } from "./crc32c";
import { onPdu } from "./conn";

const BUF_SIZE: u32 = 48 + 1020 + 4 + MAX_RECV_DSL + 4;
const BUFS: usize = memory.data(MAX_CONNS * <i32>BUF_SIZE, 16);
const HAVE: usize = memory.data(MAX_CONNS * 4, 4);
const NEED: usize = memory.data(MAX_CONNS * 4, 4);
const LIMIT: usize = memory.data(MAX_CONNS * 4, 4);   // our MaxRecvDataSegmentLength for this conn
const FLAGS: usize = memory.data(MAX_CONNS * 4, 4);
const CSUM: usize = memory.data(MAX_CONNS * 4, 4);
const COUNT: usize = memory.data(MAX_CONNS * 4, 4);

export const FL_HDIGEST: u32 = RAW_HEADER_DIGEST;
export const FL_DDIGEST: u32 = RAW_DATA_DIGEST;
export const FL_STOPPED: u32 = 4;
export const FL_RAW: u32 = 8;        // no session behind it: fold PDUs into a checksum (tests, bench)
export const FL_ANY_DIR: u32 = RAW_ANY_DIRECTION; // raw only: accept initiator PDUs as well (fixtures)

// The caller checks limit <= MAX_RECV_DSL (the reassembly buffer's size); see rawOpen.
export function framerReset(c: i32, flags: u32, limit: u32): void {
  tset(HAVE, c, 0); tset(NEED, c, 0); tset(FLAGS, c, flags);
  tset(LIMIT, c, limit); tset(CSUM, c, 0); tset(COUNT, c, 0);
}
export function framerSetDigests(c: i32, hd: bool, dd: bool): void {
  let f = tget(FLAGS, c) & ~(FL_HDIGEST | FL_DDIGEST);
  if (hd) f |= FL_HDIGEST;
  if (dd) f |= FL_DDIGEST;
  tset(FLAGS, c, f);
}
export function framerChecksum(c: i32): u32 { return tget(CSUM, c); }
export function framerCount(c: i32): u32 { return tget(COUNT, c); }
export function framerPending(c: i32): u32 { return tget(HAVE, c); }

// Whole length of the PDU whose BHS is at p, or a negative ERR_*.
function pduLength(c: i32, p: usize): i32 {
  const ahs = <u32>load<u8>(p, 4) << 2;
  const dsl = be24(p + 5);
  const f = tget(FLAGS, c);
  if (dsl > tget(LIMIT, c)) return ERR_DSL_TOO_LARGE;
  if (ahs > 1020) return ERR_AHS_TOO_LARGE; // cannot happen with a u8 field; kept as the rule
  let n = 48 + ahs + pad4(dsl);
  if (f & FL_HDIGEST) n += 4;
  if ((f & FL_DDIGEST) && dsl > 0) n += 4;
  return <i32>n;
}

function stop(c: i32, err: i32): i32 {
  tset(FLAGS, c, tget(FLAGS, c) | FL_STOPPED);
  return err;
}

// Validates one complete PDU and hands it on. Returns 0 or a negative ERR_*.
function deliver(c: i32, p: usize, total: u32): i32 {
  const f = tget(FLAGS, c);
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
  tset(COUNT, c, tget(COUNT, c) + 1);
  if (f & FL_RAW) {
    const w = (<u32>load<u8>(p) & 0x3F) | (dsl << 8);
    tset(CSUM, c, tget(CSUM, c) * 31 + (w ^ be32(p + 16) ^ be32(p + 24)));
    return 0;
  }
  return onPdu(c, p, q, dsl);
}

// Frames `len` bytes at `src` for connection c. Returns PDUs completed (>= 0) or a negative ERR_*;
// after an error the connection's framing stays stopped.
export function framerFeed(c: i32, src: usize, len: u32): i32 {
  if (c < 0 || c >= MAX_CONNS) return ERR_BAD_CONN;
  if (tget(FLAGS, c) & FL_STOPPED) return ERR_FRAMING_STOPPED;
  const buf = BUFS + <usize>c * BUF_SIZE;
  let pos: u32 = 0;
  let done = 0;
  while (pos < len) {
    let have = tget(HAVE, c);
    if (have == 0 && len - pos >= 48) {
      const n = pduLength(c, src + pos);
      if (n < 0) return stop(c, n);
      if (len - pos >= <u32>n) {
        const r = deliver(c, src + pos, <u32>n);
        if (r < 0) return stop(c, r);
        pos += <u32>n; done++;
        if (tget(FLAGS, c) & FL_STOPPED) return done; // the session closed this connection
        continue;
      }
    }
    if (have < 48) {
      let take: u32 = 48 - have;
      if (take > len - pos) take = len - pos;
      memory.copy(buf + have, src + pos, take);
      have += take; pos += take; tset(HAVE, c, have);
      if (have < 48) break;
      const n = pduLength(c, buf);
      if (n < 0) return stop(c, n);
      tset(NEED, c, <u32>n);
    }
    const need = tget(NEED, c);
    let take = need - have;
    if (take > len - pos) take = len - pos;
    memory.copy(buf + have, src + pos, take);
    have += take; pos += take; tset(HAVE, c, have);
    if (have == need) {
      tset(HAVE, c, 0);
      const r = deliver(c, buf, need);
      if (r < 0) return stop(c, r);
      done++;
      if (tget(FLAGS, c) & FL_STOPPED) return done;
    }
  }
  return done;
}

// The session layer stops framing when it closes a connection, so late bytes are ignored.
export function framerStop(c: i32): void { tset(FLAGS, c, tget(FLAGS, c) | FL_STOPPED); }
