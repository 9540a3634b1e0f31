// iSCSI text (key=value NUL-separated, RFC 7143 §6) over raw bytes, with no allocation:
// literals are compared and written char by char.
import { TAG_NONE } from "./codes";

export let valPtr: usize = 0;
export let valLen: u32 = 0;

// Finds `key` in the text block [p, p+len); sets valPtr/valLen and returns true when present.
export function findKey(p: usize, len: u32, key: string): bool {
  let i: u32 = 0;
  const kl = <u32>key.length;
  while (i < len) {
    let end = i;
    while (end < len && load<u8>(p + end) != 0) end++;
    if (end - i > kl && load<u8>(p + i + kl) == 0x3D) {
      let same = true;
      for (let k: u32 = 0; k < kl; k++) if (<u32>load<u8>(p + i + k) != <u32>key.charCodeAt(k)) { same = false; break; }
      if (same) { valPtr = p + i + kl + 1; valLen = end - i - kl - 1; return true; }
    }
    i = end + 1;
  }
  return false;
}

export function valIs(lit: string): bool {
  if (valLen != <u32>lit.length) return false;
  for (let k: u32 = 0; k < valLen; k++) if (<u32>load<u8>(valPtr + k) != <u32>lit.charCodeAt(k)) return false;
  return true;
}

export function bytesEq(a: usize, al: u32, b: usize, bl: u32): bool {
  if (al != bl) return false;
  for (let k: u32 = 0; k < al; k++) if (load<u8>(a + k) != load<u8>(b + k)) return false;
  return true;
}

// Numeric value of valPtr/valLen: a decimal constant or a hex constant ("0x2000"), RFC 7143
// §6.1. -1 when it is neither, or when it is larger than any key allows (2^32 - 1).
export function valNum(): i64 {
  if (valLen == 0) return -1;
  let n: i64 = 0;
  if (valLen > 2 && load<u8>(valPtr) == 0x30 && (<u32>load<u8>(valPtr, 1) | 0x20) == 0x78) {
    if (valLen > 2 + 8) return -1;
    for (let k: u32 = 2; k < valLen; k++) {
      const d = hexVal(load<u8>(valPtr + k));
      if (d < 0) return -1;
      n = (n << 4) | <i64>d;
    }
    return n;
  }
  if (valLen > 10) return -1;
  for (let k: u32 = 0; k < valLen; k++) {
    const ch = <u32>load<u8>(valPtr + k);
    if (ch < 0x30 || ch > 0x39) return -1;
    n = n * 10 + <i64>(ch - 0x30);
  }
  return n <= 0xFFFFFFFF ? n : -1;
}

// TargetAddress=host[:port][,tpgt] (RFC 7143 §13.8): the portal group tag follows the last comma
// (an IPv6 address is bracketed, so it has none). Sets addrLen to the length without it; returns
// the tag, or TAG_NONE when there is none or it is no 16-bit number.
export let addrLen: u32 = 0;
export function addressTag(p: usize, n: u32): u32 {
  addrLen = n;
  for (let k = n; k > 0; k--) if (load<u8>(p + k - 1) == 0x2C) { addrLen = k - 1; break; }
  if (addrLen == n) return TAG_NONE;
  const keepPtr = valPtr, keepLen = valLen;
  valPtr = p + addrLen + 1; valLen = n - addrLen - 1;
  const v = valNum();
  valPtr = keepPtr; valLen = keepLen;
  return v < 0 || v > 0xFFFF ? TAG_NONE : <u32>v;
}

// Walks the key=value pairs of a text block: pairStart(p, len), then while (pairNext()) read
// keyPtr/keyLen and valPtr/valLen.
export let keyPtr: usize = 0;
export let keyLen: u32 = 0;
let walkP: usize = 0;
let walkLen: u32 = 0;
let walkAt: u32 = 0;
export function pairStart(p: usize, len: u32): void { walkP = p; walkLen = len; walkAt = 0; }
export function pairNext(): bool {
  while (walkAt < walkLen) {
    const i = walkAt;
    let end = i;
    while (end < walkLen && load<u8>(walkP + end) != 0) end++;
    walkAt = end + 1;
    let eq = i;
    while (eq < end && load<u8>(walkP + eq) != 0x3D) eq++;
    if (eq == end || eq == i) continue;                // not a key=value pair: skipped
    keyPtr = walkP + i; keyLen = eq - i;
    valPtr = walkP + eq + 1; valLen = end - eq - 1;
    return true;
  }
  return false;
}
export function keyIs(lit: string): bool {
  if (keyLen != <u32>lit.length) return false;
  for (let k: u32 = 0; k < keyLen; k++) if (<u32>load<u8>(keyPtr + k) != <u32>lit.charCodeAt(k)) return false;
  return true;
}

// A writer over [base, base+cap): each put returns false once the block would overflow.
export let wBase: usize = 0;
export let wLen: u32 = 0;
let wCap: u32 = 0;
let wOk: bool = true;
export function wStart(base: usize, cap: u32): void { wBase = base; wLen = 0; wCap = cap; wOk = true; }
export function wOkay(): bool { return wOk; }
export function wByte(b: u32): void {
  if (wLen >= wCap) { wOk = false; return; }
  store<u8>(wBase + wLen, <u8>b); wLen++;
}
export function wStr(s: string): void { for (let k = 0; k < s.length; k++) wByte(<u32>s.charCodeAt(k)); }
export function wBytes(p: usize, n: u32): void { for (let k: u32 = 0; k < n; k++) wByte(load<u8>(p + k)); }
export function wDec(n: u32): void {
  if (n >= 10) wDec(n / 10);
  wByte(0x30 + n % 10);
}
export function wHex(p: usize, n: u32): void {
  wStr("0x");
  for (let k: u32 = 0; k < n; k++) {
    const b = <u32>load<u8>(p + k);
    wByte(hexDigit(b >> 4)); wByte(hexDigit(b & 15));
  }
}
@inline function hexDigit(d: u32): u32 { return d < 10 ? 0x30 + d : 0x61 + d - 10; }
export function wKey(key: string): void { wStr(key); wByte(0x3D); }
export function wEnd(): void { wByte(0); }

function b64val(ch: u32): i32 {
  if (ch >= 0x41 && ch <= 0x5A) return <i32>(ch - 0x41);
  if (ch >= 0x61 && ch <= 0x7A) return <i32>(ch - 0x61 + 26);
  if (ch >= 0x30 && ch <= 0x39) return <i32>(ch - 0x30 + 52);
  if (ch == 0x2B) return 62;
  if (ch == 0x2F) return 63;
  return -1;
}

// Decodes an iSCSI binary value ("0x..." hex or "0b..." base64, RFC 7143 §6.1) at valPtr/valLen
// into dst (at most cap bytes). Returns the byte count or -1.
export function valBinary(dst: usize, cap: u32): i32 {
  if (valLen < 3 || load<u8>(valPtr) != 0x30) return -1;
  const kind = <u32>load<u8>(valPtr, 1) | 0x20;
  const p = valPtr + 2; const n = valLen - 2;
  let out: u32 = 0;
  if (kind == 0x78) {
    let k: u32 = 0;
    let odd = n & 1;
    while (k < n) {
      let hi: u32 = 0;
      if (odd) { odd = 0; } else { const d = hexVal(load<u8>(p + k)); if (d < 0) return -1; hi = <u32>d; k++; }
      const lo = hexVal(load<u8>(p + k)); if (lo < 0) return -1; k++;
      if (out >= cap) return -1;
      store<u8>(dst + out, <u8>((hi << 4) | <u32>lo)); out++;
    }
    return <i32>out;
  }
  if (kind == 0x62) {
    let acc: u32 = 0; let bits: u32 = 0;
    for (let k: u32 = 0; k < n; k++) {
      const ch = <u32>load<u8>(p + k);
      if (ch == 0x3D) break;
      const v = b64val(ch); if (v < 0) return -1;
      acc = (acc << 6) | <u32>v; bits += 6;
      if (bits >= 8) { bits -= 8; if (out >= cap) return -1; store<u8>(dst + out, <u8>(acc >> bits)); out++; }
    }
    return <i32>out;
  }
  return -1;
}
function hexVal(ch: u32): i32 {
  if (ch >= 0x30 && ch <= 0x39) return <i32>(ch - 0x30);
  const l = ch | 0x20;
  if (l >= 0x61 && l <= 0x66) return <i32>(l - 0x61 + 10);
  return -1;
}
