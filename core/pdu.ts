// RFC 7143 §11 BHS rules: which opcodes exist, who sends them, which bits and bytes are reserved
// and which fields hold a fixed value. One table, used both to check what a peer sends and to
// refuse building a PDU that breaks the rules. A receiver ignores reserved fields (§11), so the
// receive path checks only checkPeerBhs() and counts reservedSet(); the codec (encode, decode) is strict.
import { FIELDS, dataLength, be32, put24, put32 } from "./mem";
import { ERR_BAD_FINAL_BIT, ERR_RESERVED_NOT_ZERO, ERR_UNKNOWN_OPCODE, ERR_BAD_FIELD, ERR_NOT_INITIATOR_PDU }
  from "./codes";

export const OP_NOP_OUT: u32 = 0x00;
export const OP_SCSI_CMD: u32 = 0x01;
export const OP_TMF_REQ: u32 = 0x02;
export const OP_LOGIN_REQ: u32 = 0x03;
export const OP_TEXT_REQ: u32 = 0x04;
export const OP_DATA_OUT: u32 = 0x05;
export const OP_LOGOUT_REQ: u32 = 0x06;
export const OP_SNACK: u32 = 0x10;
export const OP_NOP_IN: u32 = 0x20;
export const OP_SCSI_RSP: u32 = 0x21;
export const OP_TMF_RSP: u32 = 0x22;
export const OP_LOGIN_RSP: u32 = 0x23;
export const OP_TEXT_RSP: u32 = 0x24;
export const OP_DATA_IN: u32 = 0x25;
export const OP_LOGOUT_RSP: u32 = 0x26;
export const OP_R2T: u32 = 0x31;
export const OP_ASYNC: u32 = 0x32;
export const OP_REJECT: u32 = 0x3F;

// Per opcode (64 entries): a 48-byte mask over every reserved bit of the BHS (0xFF over a
// reserved byte; byte 0 bit 7 and, in a target PDU, the I bit; the reserved bits of byte 1), then
// u8 known, u8 fromTarget, u8 unused, u8 byte1 bits that must be set, u8 the field rules (R_*),
// so the common PDU with none pays one test.
const MASK: usize = memory.data(64 * 48, 8);
const INFO: usize = memory.data(64 * 8, 8);
const R_ITT_ONES: u32 = 1;     // the ITT is 0xFFFFFFFF
const R_NO_DATA: u32 = 2;      // no AHS and no data segment: bytes 4-7 are 0
const R_REASON: u32 = 4;       // a Logout Request's reason code is 0, 1 or 2

function bytes(from: i32, to: i32): u64 {
  let m: u64 = 0;
  for (let i = from; i <= to; i++) m |= (<u64>1) << i;
  return m;
}
const LENGTHS: u64 = (<u64>0xF) << 4;   // bytes 4-7, TotalAHSLength and DataSegmentLength

// res: the reserved bytes, with LENGTHS for a PDU that carries neither AHS nor data: those bytes
// are not reserved in the RFC's figures but fields that must be 0, so they stay checked.
function rule(op: u32, res: u64, target: bool, b1Reserved: u32, b1Set: u32, ittAllOnes: bool = false): void {
  const m = MASK + <usize>op * 48;
  for (let i = 0; i < 48; i++) store<u8>(m + i, (res & ~LENGTHS) >> <u64>i & 1 ? 0xFF : 0);
  store<u8>(m, target ? 0xC0 : 0x80);
  store<u8>(m, <u8>b1Reserved, 1);
  const p = INFO + (<usize>op << 3);
  store<u8>(p, 1); store<u8>(p, target ? 1 : 0, 1);
  const rules = (ittAllOnes ? R_ITT_ONES : 0) | ((res & LENGTHS) == LENGTHS ? R_NO_DATA : 0) |
    (op == OP_LOGOUT_REQ ? R_REASON : 0);
  store<u8>(p, <u8>b1Set, 3); store<u8>(p, <u8>rules, 4);
}

export function pduInit(): void {
  // initiator -> target
  rule(OP_NOP_OUT, bytes(2, 3) | bytes(32, 47), false, 0x7F, 0x80);
  rule(OP_SCSI_CMD, bytes(2, 3), false, 0x18, 0);
  rule(OP_TMF_REQ, bytes(2, 7) | bytes(40, 47), false, 0, 0x80);
  rule(OP_LOGIN_REQ, bytes(22, 23) | bytes(32, 47), false, 0x30, 0);
  rule(OP_TEXT_REQ, bytes(2, 3) | bytes(32, 47), false, 0x3F, 0);
  rule(OP_DATA_OUT, bytes(2, 3) | bytes(24, 27) | bytes(32, 35) | bytes(44, 47), false, 0x7F, 0);
  rule(OP_LOGOUT_REQ, bytes(2, 15) | bytes(22, 23) | bytes(32, 47), false, 0, 0x80);
  rule(OP_SNACK, bytes(2, 3) | bytes(24, 27) | bytes(32, 39), false, 0x70, 0x80);
  // target -> initiator
  rule(OP_NOP_IN, bytes(2, 3) | bytes(36, 47), true, 0x7F, 0x80);
  rule(OP_SCSI_RSP, bytes(8, 15), true, 0x61, 0x80);
  rule(OP_TMF_RSP, bytes(3, 15) | bytes(20, 23) | bytes(36, 47), true, 0x7F, 0x80);
  rule(OP_LOGIN_RSP, bytes(20, 23) | bytes(38, 47), true, 0x30, 0);
  rule(OP_TEXT_RSP, bytes(2, 3) | bytes(36, 47), true, 0x3F, 0);
  rule(OP_DATA_IN, <u64>(1 << 2), true, 0x38, 0);
  rule(OP_LOGOUT_RSP, bytes(3, 15) | bytes(20, 23) | bytes(36, 39) | bytes(44, 47), true, 0x7F, 0x80);
  rule(OP_R2T, bytes(2, 7), true, 0x7F, 0x80);
  rule(OP_ASYNC, bytes(2, 3) | bytes(20, 23) | bytes(44, 47), true, 0x7F, 0x80, true);
  rule(OP_REJECT, <u64>(1 << 3) | bytes(8, 15) | bytes(20, 23) | bytes(40, 47), true, 0x7F, 0x80, true);
}

// An opcode's INFO entry as one word (one load on the receive path): byte 0 known, 1 fromTarget,
// 3 the byte-1 bits that must be set, 4 the field rules.
@inline function info(op: u32): u64 { return load<u64>(INFO + (<usize>(op & 0x3F) << 3)); }

// The rules a receiver holds a peer to, on one BHS at p: a known opcode (one a target sends, when
// `targetOnly`), the fixed bits of byte 1, the fields with one allowed value. Returns 0 or a
// negative ERR_*. Reserved fields are not among them (reservedSet).
@inline export function checkPeerBhs(p: usize, targetOnly: bool): i32 {
  const w = info(<u32>load<u8>(p));
  if (!(w & 0xFF)) return ERR_UNKNOWN_OPCODE;
  if (targetOnly && !(w & 0xFF00)) return ERR_NOT_INITIATOR_PDU;
  const b1 = <u32>load<u8>(p, 1);
  const must = <u32>(w >> 24) & 0xFF;
  if ((b1 & must) != must) return ERR_BAD_FINAL_BIT;
  // The three field rules without a branch each: which of them an opcode has is as random as
  // the opcodes of a stream, and a mispredicted branch per PDU cost more than the two loads.
  const rules = <u32>(w >> 32);
  const broken = (rules & R_ITT_ONES & <u32>(load<u32>(p, 16) != 0xFFFFFFFF)) |
    (rules & R_NO_DATA & (<u32>(load<u32>(p, 4) != 0) << 1)) | (rules & R_REASON & (<u32>((b1 & 0x7F) > 2) << 2));
  return broken ? ERR_BAD_FIELD : 0;
}

// Whether any reserved bit of the BHS at p (a known opcode) is set: the BHS ANDed with the
// opcode's mask, three 16-byte lanes where the module was built with SIMD, six 8-byte words where not.
@inline export function reservedSet(p: usize): bool {
  const m = MASK + <usize>(load<u8>(p) & 0x3F) * 48;
  if (ASC_FEATURE_SIMD) {
    return v128.any_true(v128.or(v128.or(v128.and(v128.load(p), v128.load(m)),
      v128.and(v128.load(p, 16), v128.load(m, 16))), v128.and(v128.load(p, 32), v128.load(m, 32))));
  }
  return ((load<u64>(p) & load<u64>(m)) | (load<u64>(p, 8) & load<u64>(m, 8)) | (load<u64>(p, 16) & load<u64>(m, 16)) |
    (load<u64>(p, 24) & load<u64>(m, 24)) | (load<u64>(p, 32) & load<u64>(m, 32)) |
    (load<u64>(p, 40) & load<u64>(m, 40))) != 0;
}

// The codec's check: every rule, reserved fields included, as a sender must build the BHS.
function strictBhs(p: usize): i32 {
  const r = checkPeerBhs(p, false);
  if (r < 0) return r;
  return reservedSet(p) ? ERR_RESERVED_NOT_ZERO : 0;
}

// FIELDS layout (u32 each): 0 opcode, 1 immediate, 2 byte1, 3 byte2, 4 byte3, 5 TotalAHSLength,
// 6 DataSegmentLength, 7 bytes 8-11, 8 bytes 12-15, 9 ITT, 10..16 the words at 20, 24, ..., 44.
export const F_OP = 0; export const F_I = 1; export const F_B1 = 2; export const F_B2 = 3;
export const F_B3 = 4; export const F_AHS = 5; export const F_DSL = 6; export const F_W8 = 7;
export const F_W12 = 8; export const F_ITT = 9; export const F_W20 = 10;

@inline function fset(i: i32, v: u32): void { store<u32>(FIELDS + (<usize>i << 2), v); }
@inline function fget(i: i32): u32 { return load<u32>(FIELDS + (<usize>i << 2)); }

export function decodeBhs(p: usize): i32 {
  const r = strictBhs(p);
  const b0 = <u32>load<u8>(p);
  fset(F_OP, b0 & 0x3F); fset(F_I, (b0 >> 6) & 1); fset(F_B1, load<u8>(p, 1));
  fset(F_B2, load<u8>(p, 2)); fset(F_B3, load<u8>(p, 3)); fset(F_AHS, load<u8>(p, 4));
  fset(F_DSL, dataLength(p)); fset(F_W8, be32(p + 8)); fset(F_W12, be32(p + 12));
  fset(F_ITT, be32(p + 16));
  for (let i = 0; i < 7; i++) fset(F_W20 + i, be32(p + 20 + (<usize>i << 2)));
  return r;
}

// Builds a BHS from FIELDS at p and refuses (returns the ERR_*) what decodeBhs would refuse: we
// never send a reserved bit.
export function encodeBhs(p: usize): i32 {
  const op = fget(F_OP);
  if (op > 0x3F || fget(F_I) > 1 || fget(F_AHS) > 255 || fget(F_DSL) > 0xFFFFFF) return ERR_BAD_FIELD;
  store<u8>(p, <u8>(op | (fget(F_I) << 6))); store<u8>(p, <u8>fget(F_B1), 1);
  store<u8>(p, <u8>fget(F_B2), 2); store<u8>(p, <u8>fget(F_B3), 3); store<u8>(p, <u8>fget(F_AHS), 4);
  put24(p + 5, fget(F_DSL)); put32(p + 8, fget(F_W8)); put32(p + 12, fget(F_W12));
  put32(p + 16, fget(F_ITT));
  for (let i = 0; i < 7; i++) put32(p + 20 + (<usize>i << 2), fget(F_W20 + i));
  return strictBhs(p);
}

