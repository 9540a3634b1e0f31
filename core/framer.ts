// Chunked PDU framing (llhttp's execute model): one call per socket chunk. A PDU wholly inside
// the chunk is handled in place; only a PDU that straddles chunks is copied into its
// connection's reassembly buffer, whose size is fixed by MAX_RECV_DSL, never by the peer.
// Data-In payload is not reassembled at all on a session connection: once its header is in,
// the payload is handed on piece by piece as it arrives (llhttp's on_body), so a 256 KiB
// Data-In needs no 256 KiB buffer and its bytes are copied out of RX straight to the caller.
// Any other PDU may also carry up to what we declared (256 KiB in full feature): its header and
// the first MAX_RECV_DSL bytes of its data are kept and the rest skipped, its digest still checked
// over all of it, because no handler needs more (sense data is at most 252 bytes, a Reject's
// data is a 48-byte header, a NOP-In's ping data is not echoed).
// Reserved fields are ignored (RFC 7143 §11) and counted: reservedIgnored().
// The handlers are registered by the connection layer (llhttp's settings), so this file never
// imports the layers above it. Framing pauses (llhttp's PAUSED) when the action queue could
// not hold one more PDU's worst case; framerConsumed() says how far it got.
import { MAX_RECV_DSL, ERR_AHS_TOO_LARGE, ERR_DSL_TOO_LARGE, ERR_HEADER_DIGEST, ERR_DATA_DIGEST,
  ERR_FRAMING_STOPPED } from "./codes";
import { dataLength, be32, pad4 } from "./mem";
import { checkPeerBhs, reservedSet, OP_DATA_IN } from "./pdu";
import { crc32c, crcUpdate } from "./crc32c";
import { roomForPdu } from "./actions";
import { Conn, FL_HDIGEST, FL_DDIGEST, FL_STOPPED, FL_RAW, FL_ANY_DIR, FL_STREAM, FL_PAYLOAD,
  FL_SKIP } from "./records";

// (connection, BHS, data segment, its length): one complete PDU whose digests and BHS rules held.
// The length is at most MAX_RECV_DSL: a longer segment comes with its first MAX_RECV_DSL bytes
// only, and its BHS still says how long it was.
export type PduHandler = (c: Conn, p: usize, data: usize, dsl: u32) => void;
// A streamed Data-In: its header (checked), then its payload in pieces, then its end.
export type HeaderHandler = (c: Conn, p: usize) => void;
export type PieceHandler = (c: Conn, p: usize, n: u32) => void;
export type EndHandler = (c: Conn) => void;
let onPdu: PduHandler = (c: Conn, p: usize, data: usize, dsl: u32): void => {};
let onHeader: HeaderHandler = (c: Conn, p: usize): void => {};
let onPiece: PieceHandler = (c: Conn, p: usize, n: u32): void => {};
let onEnd: EndHandler = (c: Conn): void => {};
export function framerOnPdu(pdu: PduHandler, header: HeaderHandler, piece: PieceHandler, end: EndHandler): void {
  onPdu = pdu; onHeader = header; onPiece = piece; onEnd = end;
}

let consumed: u32 = 0;
export function framerConsumed(): u32 { return consumed; }

// Diagnostics for the whole core (index.ts): PDUs taken with a reserved bit set, and PDUs handed
// on with only the first MAX_RECV_DSL bytes of their data segment.
let reservedSeen: u32 = 0;
let dataCut: u32 = 0;
export function framerReserved(): u32 { return reservedSeen; }
export function framerCut(): u32 { return dataCut; }

// limit: the largest data segment accepted (what we declared as MaxRecvDataSegmentLength).
export function framerReset(c: Conn, flags: u32, limit: u32): void {
  c.rxHave = 0; c.rxNeed = 0; c.rxFlags = flags; c.rxLimit = limit; c.rxSum = 0; c.rxCount = 0;
}
export function framerSetDigests(c: Conn, hd: bool, dd: bool): void {
  let f = c.rxFlags & ~(FL_HDIGEST | FL_DDIGEST);
  if (hd) f |= FL_HDIGEST;
  if (dd) f |= FL_DDIGEST;
  c.rxFlags = f;
}
// From full feature on: Data-In streamed, data segments up to `limit` for it.
export function framerStream(c: Conn, limit: u32): void { c.rxFlags |= FL_STREAM; c.rxLimit = limit; }

// f: the connection's rxFlags, read once per PDU by the caller and passed down.
@inline function streamed(f: u32, p: usize): bool {
  return (f & FL_STREAM) != 0 && (<u32>load<u8>(p) & 0x3F) == OP_DATA_IN;
}
@inline function long(f: u32, p: usize): bool { return dataLength(p) > MAX_RECV_DSL && !streamed(f, p); }
@inline function headerLength(f: u32, p: usize): u32 {
  return 48 + (<u32>load<u8>(p, 4) << 2) + (f & FL_HDIGEST ? 4 : 0);
}

// What must be in hand before the PDU at p can be handled in place: its header alone when its
// payload is streamed, else all of it. A negative ERR_* when the peer broke a limit.
@inline function pduLength(c: Conn, f: u32, p: usize): i32 {
  // Neither AHS nor data (an R2T, most SCSI Responses, the Logout and TMF Responses): the one
  // word of both lengths is enough, and the byte swap and the limits below can be skipped.
  if (load<u32>(p, 4) == 0) return <i32>(48 + (f & FL_HDIGEST ? 4 : 0));
  const dsl = dataLength(p);
  if (dsl > c.rxLimit) return ERR_DSL_TOO_LARGE;
  if ((<u32>load<u8>(p, 4) << 2) > 1020) return ERR_AHS_TOO_LARGE; // cannot happen with a u8 field; kept as the rule
  const h = headerLength(f, p);
  if (streamed(f, p)) return <i32>h;
  return <i32>(h + pad4(dsl) + ((f & FL_DDIGEST) && dsl > 0 ? 4 : 0));
}

function stop(c: Conn, err: i32): i32 {
  c.rxFlags |= FL_STOPPED;
  return err;
}

// The checks every PDU passes before anything looks at it. Returns 0 or a negative ERR_*.
@inline function checkHeader(f: u32, p: usize): i32 {
  if (f & FL_HDIGEST) {
    const n = 48 + (<u32>load<u8>(p, 4) << 2);
    if (load<u32>(p + n) != crc32c(p, n)) return ERR_HEADER_DIGEST;
  }
  const r = checkPeerBhs(p, !(f & FL_ANY_DIR));
  if (r == 0 && reservedSet(p)) reservedSeen++;
  return r;
}

// A checked PDU, counted and handed on with `kept` of its `dsl` bytes of data at q.
@inline function handOn(c: Conn, f: u32, p: usize, q: usize, dsl: u32, kept: u32): void {
  c.rxCount++;
  if (f & FL_RAW) {
    const w = (<u32>load<u8>(p) & 0x3F) | (dsl << 8);
    c.rxSum = c.rxSum * 31 + (w ^ be32(p + 16) ^ be32(p + 24));
    return;
  }
  onPdu(c, p, q, kept);
}

// One complete (not streamed) PDU: checked and handed on. Returns 0 or a negative ERR_*. The
// header first, as for a streamed or skipped one, so the error does not depend on the chunking.
@inline function deliver(c: Conn, f: u32, p: usize): i32 {
  const dsl = dataLength(p);
  const r = checkHeader(f, p);
  if (r < 0) return r;
  const q = p + headerLength(f, p);
  if ((f & FL_DDIGEST) && dsl > 0) {
    if (load<u32>(q + pad4(dsl)) != crc32c(q, pad4(dsl))) return ERR_DATA_DIGEST;
  }
  let kept = dsl;
  if (dsl > MAX_RECV_DSL) { kept = MAX_RECV_DSL; dataCut++; }   // wholly in one chunk: cut as if it straddled
  handOn(c, f, p, q, dsl, kept);
  return 0;
}

// A long data segment that straddles chunks: its header and first MAX_RECV_DSL bytes are in
// rxBuf at p. The header is checked before the rest is skipped on its word; the CRC runs on.
function beginSkip(c: Conn, p: usize): i32 {
  const f = c.rxFlags;
  const r = checkHeader(f, p);
  if (r < 0) return r;
  const dsl = dataLength(p);
  const dd = (f & FL_DDIGEST) != 0;
  c.sLeft = dsl - MAX_RECV_DSL; c.sPad = pad4(dsl) - dsl;
  c.sDigestLeft = dd ? 4 : 0;
  c.sDigest = 0; c.sCrc = dd ? crcUpdate(0xFFFFFFFF, p + headerLength(f, p), MAX_RECV_DSL) : 0;
  c.rxFlags |= FL_PAYLOAD | FL_SKIP;
  return 0;
}

// The header of a streamed Data-In: checked, handed on, and the payload that follows expected.
function beginStream(c: Conn, p: usize): i32 {
  const r = checkHeader(c.rxFlags, p);
  if (r < 0) return r;
  const dsl = dataLength(p);
  c.rxCount++;
  onHeader(c, p);
  if (c.rxFlags & FL_STOPPED) return 0;               // the header dropped the session
  if (dsl == 0) { onEnd(c); return 0; }
  c.sLeft = dsl; c.sPad = pad4(dsl) - dsl;
  c.sDigestLeft = (c.rxFlags & FL_DDIGEST) && dsl > 0 ? 4 : 0;
  c.sDigest = 0; c.sCrc = 0xFFFFFFFF;
  c.rxFlags |= FL_PAYLOAD;
  return 0;
}

// Takes what it can of a streamed payload from [p, p+n): returns bytes taken, or a negative ERR_*.
function stream(c: Conn, p: usize, n: u32): i32 {
  let at: u32 = 0;
  if (c.sLeft) {
    const k = min(c.sLeft, n);
    if (c.rxFlags & FL_DDIGEST) c.sCrc = crcUpdate(c.sCrc, p, k);
    c.sLeft -= k; at += k;
    if (!(c.rxFlags & FL_SKIP)) onPiece(c, p, k);
  }
  if (c.sPad && at < n) {
    const k = min(c.sPad, n - at);
    if (c.rxFlags & FL_DDIGEST) c.sCrc = crcUpdate(c.sCrc, p + at, k);
    c.sPad -= k; at += k;
  }
  while (c.sDigestLeft && at < n) {
    c.sDigest |= <u32>load<u8>(p + at) << ((4 - c.sDigestLeft) * 8);
    c.sDigestLeft--; at++;
    if (!c.sDigestLeft && c.sDigest != (c.sCrc ^ 0xFFFFFFFF)) return ERR_DATA_DIGEST;
  }
  if (!c.sLeft && !c.sPad && !c.sDigestLeft) {
    const skipped = (c.rxFlags & FL_SKIP) != 0;
    c.rxFlags &= ~(FL_PAYLOAD | FL_SKIP);
    if (!skipped) onEnd(c);
    else {
      const f = c.rxFlags;
      dataCut++;
      handOn(c, f, c.rxBuf, c.rxBuf + headerLength(f, c.rxBuf), dataLength(c.rxBuf), MAX_RECV_DSL);
    }
  }
  return <i32>at;
}

// Frames `len` bytes at `src` for connection c. Returns PDUs begun or completed (>= 0) or a
// negative ERR_*; after an error the connection's framing stays stopped. framerConsumed() is
// then how many of the bytes were taken: all of them, unless the action queue paused framing.
export function framerFeed(c: Conn, src: usize, len: u32): i32 {
  consumed = len;
  if (c.rxFlags & FL_STOPPED) return ERR_FRAMING_STOPPED;
  const buf = c.rxBuf;
  const gen = c.gen;
  let pos: u32 = 0;
  let done = 0;
  while (pos < len) {
    if (!roomForPdu()) { consumed = pos; return done; }
    const f = c.rxFlags;
    if (f & FL_PAYLOAD) {
      const k = stream(c, src + pos, len - pos);
      if (k < 0) return stop(c, k);
      pos += <u32>k;
      if ((c.rxFlags & FL_STOPPED) || c.gen != gen) return done;
      continue;
    }
    let have = c.rxHave;
    if (have == 0 && len - pos >= 48) {
      const n = pduLength(c, f, src + pos);
      if (n < 0) return stop(c, n);
      if (len - pos >= <u32>n) {
        const r = streamed(f, src + pos) ? beginStream(c, src + pos) : deliver(c, f, src + pos);
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
      const n = pduLength(c, f, buf);
      if (n < 0) return stop(c, n);
      c.rxNeed = long(f, buf) ? headerLength(f, buf) + MAX_RECV_DSL : <u32>n;   // what rxBuf keeps of it
    }
    const need = c.rxNeed;
    let take = need - have;
    if (take > len - pos) take = len - pos;
    memory.copy(buf + have, src + pos, take);
    have += take; pos += take; c.rxHave = have;
    if (have == need) {
      c.rxHave = 0;
      const r = streamed(f, buf) ? beginStream(c, buf) : long(f, buf) ? beginSkip(c, buf) : deliver(c, f, buf);
      if (r < 0) return stop(c, r);
      done++;
      if ((c.rxFlags & FL_STOPPED) || c.gen != gen) return done;
    }
  }
  return done;
}
