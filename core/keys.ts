// Operational text keys (RFC 7143 §13): what we offer, each key's result function and default,
// and the negotiated values per session. A target answer that its result function forbids
// (a Minimum key answered above our offer, an OR key turned off, ...) fails the login.
import { K_COUNT, K_INITIAL_R2T, K_IMMEDIATE_DATA, K_MAX_RECV_DSL_TARGET, K_DEFAULT_TIME2WAIT, K_DEFAULT_TIME2RETAIN,
  K_FIRST_BURST_LENGTH, K_MAX_BURST_LENGTH, K_TARGET_PORTAL_GROUP_TAG, K_HEADER_DIGEST, K_DATA_DIGEST, MAX_RECV_DSL,
  DATA_SEGMENT_MAX } from "./codes";
import { findKey, valIs, valNum, wKey, wStr, wDec, wEnd, wBytes, pairStart, pairNext, keyIs, keyPtr,
  keyLen } from "./text";
import { Session, SF_HDIGEST, SF_DDIGEST, SF_HPREFER, SF_DPREFER, SF_HD_ON, SF_DD_ON } from "./records";

const MIN: u32 = 1;       // result = min(offer, answer): answer must not exceed the offer
const MAX: u32 = 2;       // result = max: answer must not be below the offer
const OR: u32 = 3;        // boolean OR: an offered Yes must stay Yes
const AND: u32 = 4;       // boolean AND: an offered No must stay No
const DECL: u32 = 5;      // declarative: the target states its own value
const BOOL: u32 = 8;      // flag: value is Yes/No

export function sessionParam(s: Session, k: u32): u32 {
  return k < K_COUNT ? load<u32>(s.keys + (<usize>k << 2)) : 0xFFFFFFFF;
}
export function setSessionParam(s: Session, k: u32, v: u32): void { store<u32>(s.keys + (<usize>k << 2), v); }

// One row per key, indexed by K_*: the name on the wire, its result function, what we offer and
// the RFC default. Digests are lists, negotiated by digestsOffer() and digestsAnswer() below.
const NAME: StaticArray<string> = [
  "MaxConnections", "InitialR2T", "ImmediateData", "MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength",
  "DefaultTime2Wait", "DefaultTime2Retain", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder",
  "ErrorRecoveryLevel", "TargetPortalGroupTag",
];
const KIND: StaticArray<u32> = [
  MIN, OR | BOOL, AND | BOOL, DECL, MIN, MIN, MAX, MIN, MIN, OR | BOOL, OR | BOOL, MIN, DECL
];
// MaxRecvDataSegmentLength is ours, declared (the target's comes back); Time2Retain 0: nothing to keep after a logout.
const OFFER: StaticArray<u32> = [1, 1, 1, MAX_RECV_DSL, 262144, 65536, 2, 0, 1, 1, 1, 0, 0];
const DEFAULT: StaticArray<u32> = [1, 1, 1, 8192, 262144, 65536, 2, 20, 1, 1, 1, 0, 0];
// The range RFC 7143 §13 gives each numeric key; an answer outside it fails the negotiation.
const LOW: StaticArray<u32> = [1, 0, 0, 512, 512, 512, 0, 0, 1, 0, 0, 0, 0];
const HIGH: StaticArray<u32> = [65535, 1, 1, 16777215, 16777215, 16777215, 3600, 3600, 65535, 1, 1, 2, 65535];
@inline function key(k: u32): string { return unchecked(NAME[k]); }
@inline function kind(k: u32): u32 { return unchecked(KIND[k]); }
@inline function offer(k: u32): u32 { return unchecked(OFFER[k]); }
@inline function rfcDefault(k: u32): u32 { return unchecked(DEFAULT[k]); }
@inline function forDiscovery(k: u32): bool {
  return k == K_MAX_RECV_DSL_TARGET || k == K_DEFAULT_TIME2WAIT || k == K_DEFAULT_TIME2RETAIN ||
    k == K_TARGET_PORTAL_GROUP_TAG;
}

export function keysReset(s: Session): void {
  for (let k: u32 = 0; k < K_HEADER_DIGEST; k++) setSessionParam(s, k, rfcDefault(k));
  setSessionParam(s, K_HEADER_DIGEST, 0); setSessionParam(s, K_DATA_DIGEST, 0);
}

export function keysOffer(discovery: bool): void {
  for (let k: u32 = 0; k < K_TARGET_PORTAL_GROUP_TAG; k++) {
    if (discovery && !forDiscovery(k)) continue;
    wKey(key(k));
    // A normal session streams Data-In, so it declares the larger data segment.
    if (kind(k) & BOOL) wStr(offer(k) ? "Yes" : "No");
    else wDec(k == K_MAX_RECV_DSL_TARGET && !discovery ? DATA_SEGMENT_MAX : offer(k));
    wEnd();
  }
}

// HeaderDigest and DataDigest (RFC 7143 §13.1) are lists in order of preference: CRC32C alone
// when the caller requires the digest, CRC32C,None when it prefers it and takes what the target
// picks, None when it is off.
export function digestsOffer(f: u32): void {
  wKey("HeaderDigest"); wStr(digestList(f, SF_HDIGEST, SF_HPREFER)); wEnd();
  wKey("DataDigest"); wStr(digestList(f, SF_DDIGEST, SF_DPREFER)); wEnd();
}
function digestList(f: u32, required: u32, prefer: u32): string {
  return f & required ? "CRC32C" : f & prefer ? "CRC32C,None" : "None";
}

// Takes the target's digest choices from one Login Response into s.flags (SF_HD_ON, SF_DD_ON).
// A value we did not offer fails the negotiation (RFC 7143 §6.2): the key is returned, else
// K_COUNT. Reject, NotUnderstood and Irrelevant leave the digest at its default, None; a
// required digest is then refused when full feature begins (login.ts).
export function digestsAnswer(s: Session, p: usize, len: u32): u32 {
  let f = s.flags;
  if (findKey(p, len, "HeaderDigest")) {
    const on = digestChoice(f, SF_HDIGEST, SF_HPREFER);
    if (on < 0) return K_HEADER_DIGEST;
    f = on ? f | SF_HD_ON : f & ~SF_HD_ON;
  }
  if (findKey(p, len, "DataDigest")) {
    const on = digestChoice(f, SF_DDIGEST, SF_DPREFER);
    if (on < 0) return K_DATA_DIGEST;
    f = on ? f | SF_DD_ON : f & ~SF_DD_ON;
  }
  s.flags = f;
  return K_COUNT;
}
// The value findKey() found: 1 CRC32C, 0 None (or no choice), -1 a value not in our list.
function digestChoice(f: u32, required: u32, prefer: u32): i32 {
  if (valIs("Reject") || valIs("NotUnderstood") || valIs("Irrelevant")) return 0;
  if (valIs("CRC32C")) return f & (required | prefer) ? 1 : -1;
  if (valIs("None")) return f & required ? -1 : 0;
  return -1;
}

// Applies one Login Response's answers. Returns the key whose answer breaks its result function,
// so the failure can name it, or K_COUNT when every answer holds. TargetPortalGroupTag is not
// among them: it may come in any stage (login.ts reads it).
export function keysAnswer(s: Session, p: usize, len: u32, discovery: bool): u32 {
  for (let k: u32 = 0; k < K_TARGET_PORTAL_GROUP_TAG; k++) {
    if (discovery && !forDiscovery(k)) continue;
    if (!findKey(p, len, key(k))) continue;
    if (valIs("Reject") || valIs("Irrelevant") || valIs("NotUnderstood")) {
      // A FirstBurstLength answered with no value leaves none both sides agreed to: we send no
      // unsolicited data, which every target takes (libiscsi and open-iscsi end up there too,
      // reading the word as the number 0). Other keys keep their RFC default.
      setSessionParam(s, k, k == K_FIRST_BURST_LENGTH ? 0 : rfcDefault(k));
      continue;
    }
    const t = kind(k);
    let v: i64;
    if (t & BOOL) { if (valIs("Yes")) v = 1; else if (valIs("No")) v = 0; else return k; }
    else { v = valNum(); if (v < <i64>unchecked(LOW[k]) || v > <i64>unchecked(HIGH[k])) return k; }
    const mine = <i64>offer(k);
    const f = t & 7;
    if (f == MIN && v > mine) return k;
    if (f == MAX && v < mine) return k;
    if (f == OR && mine == 1 && v != 1) return k;
    if (f == AND && mine == 0 && v != 0) return k;
    setSessionParam(s, k, <u32>v);
  }
  return K_COUNT;
}

// Once every answer is in: FirstBurstLength becomes what we will send unsolicited (RFC 7143
// §13.14), so the value reported is the value used. It is Irrelevant with InitialR2T=Yes and
// ImmediateData=No (0: none), and never above MaxBurstLength, which a target may answer
// below it (tgtd configured with MaxBurstLength=16384 still answers FirstBurstLength=65536).
export function keysSettle(s: Session): void {
  let fbl = min(sessionParam(s, K_FIRST_BURST_LENGTH), sessionParam(s, K_MAX_BURST_LENGTH));
  if (sessionParam(s, K_INITIAL_R2T) == 1 && sessionParam(s, K_IMMEDIATE_DATA) == 0) fbl = 0;
  setSessionParam(s, K_FIRST_BURST_LENGTH, fbl);
}

// Keys the target proposes rather than answers (RFC 7143 §6.2): each gets an answer in our next
// request. A key we know but did not offer here is Irrelevant (discovery) or, for the obsolete
// markers, No; any other is NotUnderstood. Declarations (TargetAlias, ...) need none.
// Returns how many answers were written.
export function keysAnswerProposals(p: usize, len: u32, discovery: bool): u32 {
  let n: u32 = 0;
  pairStart(p, len);
  while (pairNext()) {
    if (keyIs("HeaderDigest") || keyIs("DataDigest") || keyIs("TargetAlias") || keyIs("TargetAddress")) continue;
    let known = false, offered = false;
    for (let k: u32 = 0; k <= K_TARGET_PORTAL_GROUP_TAG && !known; k++) {
      if (!keyIs(key(k))) continue;
      known = true;
      offered = k == K_TARGET_PORTAL_GROUP_TAG || !discovery || forDiscovery(k);
    }
    if (offered) continue;
    wBytes(keyPtr, keyLen); wStr("=");
    if (known) wStr("Irrelevant");
    else if (keyIs("IFMarker") || keyIs("OFMarker")) wStr("No");
    else wStr("NotUnderstood");
    wEnd();
    n++;
  }
  return n;
}
