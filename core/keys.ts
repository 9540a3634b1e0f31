// Operational text keys (RFC 7143 §13): what we offer, each key's result function and default,
// and the negotiated values per session. A target answer that its result function forbids
// (a Minimum key answered above our offer, an OR key turned off, ...) fails the login.
import { MAX_SESSIONS, K_COUNT, K_MAX_CONNECTIONS, K_INITIAL_R2T, K_IMMEDIATE_DATA, K_MAX_RECV_DSL_TARGET,
  K_MAX_BURST_LENGTH, K_FIRST_BURST_LENGTH, K_DEFAULT_TIME2WAIT, K_DEFAULT_TIME2RETAIN, K_MAX_OUTSTANDING_R2T,
  K_DATA_PDU_IN_ORDER, K_DATA_SEQUENCE_IN_ORDER, K_ERROR_RECOVERY_LEVEL, K_TARGET_PORTAL_GROUP_TAG,
  K_HEADER_DIGEST, K_DATA_DIGEST, MAX_RECV_DSL } from "./codes";
import { findKey, valIs, valNum, wKey, wStr, wDec, wEnd } from "./text";

const MIN: u32 = 1;       // result = min(offer, answer): answer must not exceed the offer
const MAX: u32 = 2;       // result = max: answer must not be below the offer
const OR: u32 = 3;        // boolean OR: an offered Yes must stay Yes
const AND: u32 = 4;       // boolean AND: an offered No must stay No
const DECL: u32 = 5;      // declarative: the target states its own value
const BOOL: u32 = 8;      // flag: value is Yes/No

const VALUES = memory.data(MAX_SESSIONS * <i32>K_COUNT * 4, 4);
@inline function slot(s: i32, k: u32): usize { return VALUES + ((<usize>s * K_COUNT + k) << 2); }
export function sessionParam(s: i32, k: u32): u32 { return k < K_COUNT ? load<u32>(slot(s, k)) : 0xFFFFFFFF; }
export function setSessionParam(s: i32, k: u32, v: u32): void { store<u32>(slot(s, k), v); }

// name, kind, our offer, RFC default; normal sessions only unless `discovery` says so.
function key(k: u32): string {
  if (k == K_MAX_CONNECTIONS) return "MaxConnections";
  if (k == K_INITIAL_R2T) return "InitialR2T";
  if (k == K_IMMEDIATE_DATA) return "ImmediateData";
  if (k == K_MAX_RECV_DSL_TARGET) return "MaxRecvDataSegmentLength";
  if (k == K_MAX_BURST_LENGTH) return "MaxBurstLength";
  if (k == K_FIRST_BURST_LENGTH) return "FirstBurstLength";
  if (k == K_DEFAULT_TIME2WAIT) return "DefaultTime2Wait";
  if (k == K_DEFAULT_TIME2RETAIN) return "DefaultTime2Retain";
  if (k == K_MAX_OUTSTANDING_R2T) return "MaxOutstandingR2T";
  if (k == K_DATA_PDU_IN_ORDER) return "DataPDUInOrder";
  if (k == K_DATA_SEQUENCE_IN_ORDER) return "DataSequenceInOrder";
  if (k == K_ERROR_RECOVERY_LEVEL) return "ErrorRecoveryLevel";
  return "TargetPortalGroupTag";
}
function kind(k: u32): u32 {
  if (k == K_INITIAL_R2T || k == K_DATA_PDU_IN_ORDER || k == K_DATA_SEQUENCE_IN_ORDER) return OR | BOOL;
  if (k == K_IMMEDIATE_DATA) return AND | BOOL;
  if (k == K_DEFAULT_TIME2WAIT) return MAX;
  if (k == K_MAX_RECV_DSL_TARGET || k == K_TARGET_PORTAL_GROUP_TAG) return DECL;
  return MIN;
}
function offer(k: u32): u32 {
  if (k == K_MAX_CONNECTIONS) return 1;
  if (k == K_INITIAL_R2T || k == K_IMMEDIATE_DATA || k == K_DATA_PDU_IN_ORDER || k == K_DATA_SEQUENCE_IN_ORDER) return 1;
  if (k == K_MAX_RECV_DSL_TARGET) return MAX_RECV_DSL;   // ours, declared; the target's comes back
  if (k == K_MAX_BURST_LENGTH) return 262144;
  if (k == K_FIRST_BURST_LENGTH) return 65536;
  if (k == K_DEFAULT_TIME2WAIT) return 2;
  if (k == K_DEFAULT_TIME2RETAIN) return 0;              // nothing to keep for us after a logout
  if (k == K_MAX_OUTSTANDING_R2T) return 1;
  return 0;                                              // ErrorRecoveryLevel 0, TPGT n/a
}
function rfcDefault(k: u32): u32 {
  if (k == K_MAX_CONNECTIONS || k == K_MAX_OUTSTANDING_R2T) return 1;
  if (k == K_INITIAL_R2T || k == K_IMMEDIATE_DATA || k == K_DATA_PDU_IN_ORDER || k == K_DATA_SEQUENCE_IN_ORDER) return 1;
  if (k == K_MAX_RECV_DSL_TARGET) return 8192;
  if (k == K_MAX_BURST_LENGTH) return 262144;
  if (k == K_FIRST_BURST_LENGTH) return 65536;
  if (k == K_DEFAULT_TIME2WAIT) return 2;
  if (k == K_DEFAULT_TIME2RETAIN) return 20;
  return 0;
}
@inline function forDiscovery(k: u32): bool {
  return k == K_MAX_RECV_DSL_TARGET || k == K_DEFAULT_TIME2WAIT || k == K_DEFAULT_TIME2RETAIN || k == K_TARGET_PORTAL_GROUP_TAG;
}

export function keysReset(s: i32): void {
  for (let k: u32 = 0; k < K_HEADER_DIGEST; k++) setSessionParam(s, k, rfcDefault(k));
  setSessionParam(s, K_HEADER_DIGEST, 0); setSessionParam(s, K_DATA_DIGEST, 0);
}

export function keysOffer(discovery: bool): void {
  for (let k: u32 = 0; k < K_TARGET_PORTAL_GROUP_TAG; k++) {
    if (discovery && !forDiscovery(k)) continue;
    wKey(key(k));
    if (kind(k) & BOOL) wStr(offer(k) ? "Yes" : "No"); else wDec(offer(k));
    wEnd();
  }
}

// Applies one Login Response's answers. Returns false when an answer breaks its result function.
export function keysAnswer(s: i32, p: usize, len: u32, discovery: bool): bool {
  for (let k: u32 = 0; k < K_HEADER_DIGEST; k++) {
    if (discovery && !forDiscovery(k)) continue;
    if (!findKey(p, len, key(k))) continue;
    if (valIs("Reject") || valIs("Irrelevant") || valIs("NotUnderstood")) { setSessionParam(s, k, rfcDefault(k)); continue; }
    const t = kind(k);
    let v: i64;
    if (t & BOOL) { if (valIs("Yes")) v = 1; else if (valIs("No")) v = 0; else return false; }
    else { v = valNum(); if (v < 0) return false; }
    const mine = <i64>offer(k);
    const f = t & 7;
    if (f == MIN && v > mine) return false;
    if (f == MAX && v < mine) return false;
    if (f == OR && mine == 1 && v != 1) return false;
    if (f == AND && mine == 0 && v != 0) return false;
    setSessionParam(s, k, <u32>v);
  }
  if (sessionParam(s, K_FIRST_BURST_LENGTH) > sessionParam(s, K_MAX_BURST_LENGTH)) return false;
  return true;
}
