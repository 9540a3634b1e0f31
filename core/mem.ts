// Fixed regions in linear memory (the as-sha256 pattern): the host builds its views once, from
// the sizes exported by index.ts, and nothing here ever grows, so no view is ever detached.
import { RX_CAP } from "./codes";

export const RX: usize = memory.data(<i32>RX_CAP, 16);     // one inbound socket chunk per call
export const TX_CAP: u32 = 1 << 20;
export const TX: usize = memory.data(<i32>TX_CAP, 16);     // bytes and strings produced by one call
export const IO_CAP: u32 = 4096;
export const IO: usize = memory.data(<i32>IO_CAP, 16);     // host -> core parameters (TLV)
export const PAYLOAD_CAP: u32 = 262144 + 4;
export const PAYLOAD: usize = memory.data(<i32>PAYLOAD_CAP, 16); // a Data-Out's bytes, copied in only to compute its
                                                                 // data digest
export const FIELDS_CAP: u32 = 32;
export const FIELDS: usize = memory.data(<i32>FIELDS_CAP * 4, 16); // decoded / to-encode BHS fields (u32 each)

@inline export function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
@inline export function be16(p: usize): u32 { return <u32>bswap<u16>(load<u16>(p)); }
// The DataSegmentLength of the BHS at p (bytes 5-7): one load of bytes 4-7 instead of three, as
// every received PDU reads it more than once.
@inline export function dataLength(p: usize): u32 { return bswap<u32>(load<u32>(p, 4)) & 0xFFFFFF; }
@inline export function put32(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v)); }
@inline export function put16(p: usize, v: u32): void { store<u16>(p, bswap<u16>(<u16>v)); }
@inline export function put24(p: usize, v: u32): void {
  store<u8>(p, <u8>(v >> 16)); store<u8>(p, <u8>(v >> 8), 1); store<u8>(p, <u8>v, 2);
}
@inline export function pad4(n: u32): u32 { return (n + 3) & ~3; }

// RFC 1982 serial arithmetic on 32-bit sequence numbers (FreeBSD ISCSI_SNGT/SNLT).
@inline export function snGt(a: u32, b: u32): bool { return <i32>(a - b) > 0; }
@inline export function snLt(a: u32, b: u32): bool { return <i32>(a - b) < 0; }
