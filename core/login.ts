// Login (RFC 7143 §6, §13): SecurityNegotiation with None, CHAP or mutual CHAP, then
// LoginOperationalNegotiation, then Full Feature Phase. Secrets never enter this module: the
// host is asked for CHAP hashes (ACT_CHAP_ANSWER / ACT_CHAP_VERIFY) and hands back only digests.
import { S_OK, VDS_E_ISCSI_LOGIN_FAILED, VDS_E_OPERATION_CANCELED, VDS_E_CANCEL_TOO_LATE, VDS_E_TIMEOUT,
  ACT_CONNECT, ACT_LOGGED_IN, ACT_LOGIN_STATUS, ACT_CHAP_ANSWER, ACT_CHAP_VERIFY, ACT_TEXT,
  TEXT_REDIRECT, TEXT_TARGET_NAME, TEXT_TARGET_ADDRESS, K_HEADER_DIGEST, K_DATA_DIGEST, LOGIN_CHAP_MD5, ASYNC_DISCOVER, AUTH_NONE, AUTH_MUTUAL_CHAP, MAX_RECV_DSL, MAX_SESSIONS,
  S2_XPT_WAIT, S4_IN_LOGIN, S5_LOGGED_IN, Q3_LOGGED_IN,
  L_AUTH_FAILED, L_AUTHZ_FAILED, L_NOT_FOUND, L_OUT_OF_RESOURCES, L_TARGET_ERROR, L_INITIATOR_ERROR,
  L_DOWNGRADE_REFUSED, L_MUTUAL_AUTH_FAILED, L_TIMEOUT, L_CONNECT_FAILED, L_PROTOCOL_ERROR,
  L_TRANSPORT_LOST, L_TOO_MANY_REDIRECTS, L_CANCELLED, L_NEGOTIATION_FAILED } from "./codes";
import { act, txAlloc } from "./actions";
import { TX, RX, be16, be32, put16, put32, tget, tset } from "./mem";
import { C_STATE, C_STEP, C_ITT, C_CID, C_EXPSTATSN, C_SESS, Q_CONN, Q_CMDSN, Q_EXPCMDSN, Q_MAXCMDSN,
  Q_TSIH, Q_OP, Q_FLAGS, Q_AUTH, Q_REDIRECTS, Q_LOGINMS, Q_CONNECTMS, Q_STATE, Q_KEEPALIVE, O_TYPE, O_SESS, O_HR,
  O_CANCEL, SF_HDIGEST, SF_DDIGEST, SF_DISCOVERY, SF_HD_ON, SF_DD_ON, NONE, STR_INITIATOR, STR_TARGET,
  STR_CHAP_USER, STR_CHAP_TARGET_USER, strLen, strData, randPtr, nextItt, connAlloc } from "./tables";
import { findKey, valIs, valNum, valBinary, valPtr, valLen, bytesEq, wStart, wKey, wStr, wBytes, wDec, wHex,
  wEnd, wLen, wOkay } from "./text";
import { pduBegin, pduData, pduEnd } from "./send";
import { armConn, cancelConn, CT_CONNECT, CT_LOGIN, CT_TEXT, CT_KEEPALIVE } from "./timers";
import { framerReset, framerSetDigests } from "./framer";
import { closeConn, sessionGone } from "./lifecycle";
import { opFinish } from "./operation";
import { logoutSend } from "./logout";
import { keysOffer, keysAnswer, keysReset, setSessionParam } from "./keys";

const LG_SEC_NONE: u32 = 1;
const LG_SEC_OFFER: u32 = 2;
const LG_CHAP_A: u32 = 3;
const LG_CHAP_WAIT_HASH: u32 = 4;
const LG_CHAP_R: u32 = 5;
const LG_CHAP_WAIT_VERIFY: u32 = 6;
const LG_OPERATIONAL: u32 = 7;
export const LG_DISCOVERY_TEXT: u32 = 8;

const ALG = memory.data(MAX_SESSIONS * 4, 4);
const NEXT = memory.data(MAX_SESSIONS * 4, 4);             // response flags to continue with after verify
const PEER_R = memory.data(MAX_SESSIONS * 64, 4);          // the target's CHAP_R (mutual), len-prefixed
const MAX_REDIRECTS: u32 = 3;
const DATA_CAP: u32 = 2048;

// CHAP_A offer from the LOGIN_CHAP_* bits (MD5, SHA-1, SHA-256, SHA3-256 = CHAP_A 5..8; none = MD5
// only), strongest first. Bit a of the result stands for CHAP_A 5 + a.
function offered(flags: u32): u32 { const m = (flags / LOGIN_CHAP_MD5) & 15; return m == 0 ? 1 : m; }
function writeAlgorithms(flags: u32): void {
  const m = offered(flags);
  let first = true;
  for (let a: i32 = 3; a >= 0; a--) {
    if (!(m & (<u32>1 << <u32>a))) continue;
    if (!first) wStr(",");
    wDec(5 + <u32>a); first = false;
  }
}

function hashLen(alg: u32): u32 { return alg == 5 ? 16 : alg == 6 ? 20 : 32; }

// Status class/detail -> our login result (the raw status is reported beside it).
function mapStatus(st: u32): u32 {
  if (st == 0x0201) return L_AUTH_FAILED;
  if (st == 0x0202) return L_AUTHZ_FAILED;
  if (st == 0x0203 || st == 0x0204) return L_NOT_FOUND;
  if (st == 0x0302) return L_OUT_OF_RESOURCES;
  if ((st >> 8) == 3) return L_TARGET_ERROR;
  return L_INITIATOR_ERROR;
}

// ---- starting
export function loginBegin(o: i32, s: i32): void {
  const c = connAlloc(s);
  if (c < 0) { act(ACT_LOGIN_STATUS, <u32>o, 0, L_OUT_OF_RESOURCES); sessionGone(s); opFinish(o, VDS_E_ISCSI_LOGIN_FAILED); return; }
  tset(Q_CONN, s, <u32>c); tset(Q_OP, s, <u32>o); tset(O_SESS, o, <u32>s);
  keysReset(s);
  framerReset(c, 0, MAX_RECV_DSL);
  tset(C_STATE, c, S2_XPT_WAIT);                       // T1
  act(ACT_CONNECT, <u32>c, 0, 0, <u32>s, <u32>o);
  armConn(c, CT_CONNECT, tget(Q_CONNECTMS, s));
}

export function loginTransportUp(c: i32): void {
  if (tget(C_STATE, c) != S2_XPT_WAIT) return;
  const s = <i32>tget(C_SESS, c);
  cancelConn(c);
  tset(C_STATE, c, S4_IN_LOGIN);                       // T4
  armConn(c, CT_LOGIN, tget(Q_LOGINMS, s));
  const chap = tget(Q_AUTH, s) != AUTH_NONE;
  const p = begin(c, s, 0, 1, !chap);
  wKey("InitiatorName"); wBytes(strData(s, STR_INITIATOR), strLen(s, STR_INITIATOR)); wEnd();
  if (tget(Q_FLAGS, s) & SF_DISCOVERY) { wKey("SessionType"); wStr("Discovery"); wEnd(); }
  else {
    wKey("SessionType"); wStr("Normal"); wEnd();
    wKey("TargetName"); wBytes(strData(s, STR_TARGET), strLen(s, STR_TARGET)); wEnd();
  }
  // Only the method the caller asked for is offered: no downgrade to None when CHAP is required.
  wKey("AuthMethod"); wStr(chap ? "CHAP" : "None"); wEnd();
  finish(c, p, chap ? LG_SEC_OFFER : LG_SEC_NONE);
}

// Login Request header for this connection: CSG/NSG/T as given, data written after it.
function begin(c: i32, s: i32, csg: u32, nsg: u32, transit: bool): usize {
  const p = pduBegin(c, DATA_CAP);
  store<u8>(p, 0x43);
  store<u8>(p, <u8>((transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0)), 1);
  const r = randPtr(s);
  store<u8>(p + 8, 0x80);                               // ISID type 10b: random
  memory.copy(p + 9, r, 5);
  put16(p + 14, tget(Q_TSIH, s));
  const itt = nextItt(s);
  put32(p + 16, itt); tset(C_ITT, c, itt);
  put16(p + 20, tget(C_CID, c));
  put32(p + 24, tget(Q_CMDSN, s));
  put32(p + 28, tget(C_EXPSTATSN, c));
  wStart(pduData(), DATA_CAP);
  return p;
}
function finish(c: i32, p: usize, step: u32): void {
  if (!wOkay()) { fail(<i32>tget(C_SESS, c), L_INITIATOR_ERROR, 0); return; }
  pduEnd(wLen);
  tset(C_STEP, c, step);
}

function sendOperational(c: i32, s: i32): void {
  const p = begin(c, s, 1, 3, true);
  const f = tget(Q_FLAGS, s);
  wKey("HeaderDigest"); wStr(f & SF_HDIGEST ? "CRC32C" : "None"); wEnd();
  wKey("DataDigest"); wStr(f & SF_DDIGEST ? "CRC32C" : "None"); wEnd();
  keysOffer((f & SF_DISCOVERY) != 0);
  finish(c, p, LG_OPERATIONAL);
}

// An empty Login Request that asks to move on (the target answered T=0).
function sendContinue(c: i32, s: i32, csg: u32, nsg: u32, step: u32): void {
  const p = begin(c, s, csg, nsg, true);
  finish(c, p, step);
}

// ---- responses
export function loginResponse(c: i32, p: usize, data: usize, dsl: u32): void {
  const s = <i32>tget(C_SESS, c);
  if (be32(p + 16) != tget(C_ITT, c)) { fail(s, L_PROTOCOL_ERROR, 0); return; }
  tset(C_EXPSTATSN, c, be32(p + 24) + 1);
  tset(Q_EXPCMDSN, s, be32(p + 28)); tset(Q_MAXCMDSN, s, be32(p + 32));
  const status = be16(p + 36);
  if (status != 0) {
    if ((status >> 8) == 1) { redirect(c, s, data, dsl); return; }
    fail(s, mapStatus(status), status); return;
  }
  const b1 = <u32>load<u8>(p, 1);
  const transit = (b1 & 0x80) != 0;
  const nsg = b1 & 3;
  tset(Q_TSIH, s, be16(p + 14));
  const step = tget(C_STEP, c);
  if (step == LG_SEC_NONE) {
    if (findKey(data, dsl, "AuthMethod") && !valIs("None")) { fail(s, L_AUTH_FAILED, 0); return; }
    afterSecurity(c, s, transit, nsg);
  } else if (step == LG_SEC_OFFER) {
    if (!findKey(data, dsl, "AuthMethod") || !valIs("CHAP")) { fail(s, L_DOWNGRADE_REFUSED, 0); return; }
    if (transit && nsg != 0) { fail(s, L_DOWNGRADE_REFUSED, 0); return; }
    const q = begin(c, s, 0, 1, false);
    wKey("CHAP_A"); writeAlgorithms(tget(Q_FLAGS, s)); wEnd();
    finish(c, q, LG_CHAP_A);
  } else if (step == LG_CHAP_A) {
    chapChallenge(c, s, data, dsl);
  } else if (step == LG_CHAP_R) {
    if (tget(Q_AUTH, s) == AUTH_MUTUAL_CHAP) { chapMutual(c, s, data, dsl, transit, nsg); return; }
    afterSecurity(c, s, transit, nsg);
  } else if (step == LG_OPERATIONAL) {
    operationalAnswer(c, s, data, dsl, transit, nsg);
  } else {
    fail(s, L_PROTOCOL_ERROR, 0);
  }
}

function afterSecurity(c: i32, s: i32, transit: bool, nsg: u32): void {
  if (transit && nsg == 1) sendOperational(c, s);
  else if (transit && nsg == 3) fullFeature(c, s);
  else sendContinue(c, s, 0, 1, tget(C_STEP, c));
}

function chapChallenge(c: i32, s: i32, data: usize, dsl: u32): void {
  if (!findKey(data, dsl, "CHAP_A")) { fail(s, L_NEGOTIATION_FAILED, 0); return; }
  const alg = valNum();
  if (alg < 5 || alg > 8 || !(offered(tget(Q_FLAGS, s)) & (<u32>1 << <u32>(alg - 5)))) { fail(s, L_NEGOTIATION_FAILED, 0); return; }
  if (!findKey(data, dsl, "CHAP_I")) { fail(s, L_PROTOCOL_ERROR, 0); return; }
  const id = valNum();
  if (id < 0 || id > 255) { fail(s, L_PROTOCOL_ERROR, 0); return; }
  if (!findKey(data, dsl, "CHAP_C")) { fail(s, L_PROTOCOL_ERROR, 0); return; }
  const at = txAlloc(1024);
  if (at < 0) { fail(s, L_INITIATOR_ERROR, 0); return; }
  const n = valBinary(TX + at, 1024);
  if (n <= 0) { fail(s, L_PROTOCOL_ERROR, 0); return; }
  tset(ALG, s, <u32>alg);
  tset(C_STEP, c, LG_CHAP_WAIT_HASH);
  act(ACT_CHAP_ANSWER, <u32>c, <u32>alg, <u32>id, <u32>at, <u32>n);
}

// The host answers ACT_CHAP_ANSWER with the digest in RX.
export function chapAnswer(c: i32, len: u32): void {
  if (tget(C_STATE, c) != S4_IN_LOGIN || tget(C_STEP, c) != LG_CHAP_WAIT_HASH) return;
  const s = <i32>tget(C_SESS, c);
  if (len != hashLen(tget(ALG, s))) { fail(s, L_AUTH_FAILED, 0); return; }
  const p = begin(c, s, 0, 1, true);
  wKey("CHAP_N"); wBytes(strData(s, STR_CHAP_USER), strLen(s, STR_CHAP_USER)); wEnd();
  wKey("CHAP_R"); wHex(RX, len); wEnd();
  if (tget(Q_AUTH, s) == AUTH_MUTUAL_CHAP) {
    const r = randPtr(s);
    wKey("CHAP_I"); wDec(<u32>load<u8>(r, 8)); wEnd();
    wKey("CHAP_C"); wHex(r + 16, 16); wEnd();
  }
  finish(c, p, LG_CHAP_R);
}

function chapMutual(c: i32, s: i32, data: usize, dsl: u32, transit: bool, nsg: u32): void {
  if (!findKey(data, dsl, "CHAP_N") || !bytesEq(valPtr, valLen, strData(s, STR_CHAP_TARGET_USER), strLen(s, STR_CHAP_TARGET_USER))) {
    fail(s, L_MUTUAL_AUTH_FAILED, 0); return;
  }
  if (!findKey(data, dsl, "CHAP_R")) { fail(s, L_MUTUAL_AUTH_FAILED, 0); return; }
  const pr = PEER_R + <usize>s * 64;
  const n = valBinary(pr + 4, 60);
  if (n <= 0) { fail(s, L_MUTUAL_AUTH_FAILED, 0); return; }
  store<u32>(pr, <u32>n);
  tset(NEXT, s, (transit ? 0x80 : 0) | nsg);
  tset(C_STEP, c, LG_CHAP_WAIT_VERIFY);
  const at = txAlloc(16);
  if (at < 0) { fail(s, L_INITIATOR_ERROR, 0); return; }
  const r = randPtr(s);
  memory.copy(TX + at, r + 16, 16);
  act(ACT_CHAP_VERIFY, <u32>c, tget(ALG, s), <u32>load<u8>(r, 8), <u32>at, 16);
}

// The host answers ACT_CHAP_VERIFY with the digest the target should have sent, in RX.
export function chapExpected(c: i32, len: u32): void {
  if (tget(C_STATE, c) != S4_IN_LOGIN || tget(C_STEP, c) != LG_CHAP_WAIT_VERIFY) return;
  const s = <i32>tget(C_SESS, c);
  const pr = PEER_R + <usize>s * 64;
  if (!bytesEq(RX, len, pr + 4, load<u32>(pr))) { fail(s, L_MUTUAL_AUTH_FAILED, 0); return; }
  const nx = tget(NEXT, s);
  afterSecurity(c, s, (nx & 0x80) != 0, nx & 3);
}

function operationalAnswer(c: i32, s: i32, data: usize, dsl: u32, transit: bool, nsg: u32): void {
  // Answers may come over several responses: remember each key when it appears.
  let f = tget(Q_FLAGS, s);
  if (findKey(data, dsl, "HeaderDigest")) f = valIs("CRC32C") ? f | SF_HD_ON : f & ~SF_HD_ON;
  if (findKey(data, dsl, "DataDigest")) f = valIs("CRC32C") ? f | SF_DD_ON : f & ~SF_DD_ON;
  tset(Q_FLAGS, s, f);
  if (!keysAnswer(s, data, dsl, (f & SF_DISCOVERY) != 0)) { fail(s, L_NEGOTIATION_FAILED, 0); return; }
  if (!(transit && nsg == 3)) { sendContinue(c, s, 1, 3, LG_OPERATIONAL); return; }
  // Digests the caller asked for are required, not hoped for.
  if (((f & SF_HDIGEST) && !(f & SF_HD_ON)) || ((f & SF_DDIGEST) && !(f & SF_DD_ON))) { fail(s, L_NEGOTIATION_FAILED, 0); return; }
  fullFeature(c, s);
}

// T5 (S4->S5), N1 (Q1->Q3).
function fullFeature(c: i32, s: i32): void {
  cancelConn(c);
  tset(C_STATE, c, S5_LOGGED_IN);
  tset(Q_STATE, s, Q3_LOGGED_IN);
  const f = tget(Q_FLAGS, s);
  setSessionParam(s, K_HEADER_DIGEST, (f & SF_HD_ON) ? 1 : 0);
  setSessionParam(s, K_DATA_DIGEST, (f & SF_DD_ON) ? 1 : 0);
  framerSetDigests(c, (f & SF_HD_ON) != 0, (f & SF_DD_ON) != 0);
  const o = <i32>tget(Q_OP, s);
  if (f & SF_DISCOVERY) { sendTargetsRequest(c, s); return; }
  if (tget(Q_KEEPALIVE, s)) armConn(c, CT_KEEPALIVE, tget(Q_KEEPALIVE, s));
  tset(Q_OP, s, NONE);
  act(ACT_LOGGED_IN, <u32>o, <u32>s, tget(Q_TSIH, s), <u32>c);
  opFinish(o, S_OK);
}

function redirect(c: i32, s: i32, data: usize, dsl: u32): void {
  const o = <i32>tget(Q_OP, s);
  if (!findKey(data, dsl, "TargetAddress") || valLen == 0) { fail(s, L_PROTOCOL_ERROR, 0); return; }
  const n = tget(Q_REDIRECTS, s) + 1;
  if (n > MAX_REDIRECTS) { fail(s, L_TOO_MANY_REDIRECTS, 0); return; }
  tset(Q_REDIRECTS, s, n);
  let len = valLen;
  for (let i: u32 = 0; i < valLen; i++) if (load<u8>(valPtr + i) == 0x2C) { len = i; break; } // drop ",tpgt"
  const at = txAlloc(len);
  if (at < 0) { fail(s, L_INITIATOR_ERROR, 0); return; }
  memory.copy(TX + at, valPtr, len);
  act(ACT_TEXT, <u32>o, TEXT_REDIRECT, <u32>at, len);
  closeConn(c);                                        // T7
  const c2 = connAlloc(s);
  if (c2 < 0) { fail(s, L_OUT_OF_RESOURCES, 0); return; }
  tset(Q_CONN, s, <u32>c2);
  framerReset(c2, 0, MAX_RECV_DSL);
  tset(C_STATE, c2, S2_XPT_WAIT);                      // T1 towards the new address
  act(ACT_CONNECT, <u32>c2, <u32>at, len, <u32>s, <u32>o);
  armConn(c2, CT_CONNECT, tget(Q_CONNECTMS, s));
}

// Login failed: T7 (or T2), the session is discarded, the operation ends.
export function fail(s: i32, reason: u32, status: u32): void {
  const o = tget(Q_OP, s);
  if (o != NONE) act(ACT_LOGIN_STATUS, o, status, reason);
  sessionGone(s);
  if (o != NONE) {
    const hr = reason == L_CANCELLED ? VDS_E_OPERATION_CANCELED : VDS_E_ISCSI_LOGIN_FAILED;
    opFinish(<i32>o, tget(O_TYPE, <i32>o) == ASYNC_DISCOVER && reason == L_TIMEOUT ? VDS_E_TIMEOUT : hr);
  }
}

export function loginTimer(c: i32, connecting: bool): void {
  fail(<i32>tget(C_SESS, c), connecting ? L_CONNECT_FAILED : L_TIMEOUT, 0);
}
export function loginTransportLost(c: i32, connecting: bool): void {
  fail(<i32>tget(C_SESS, c), connecting ? L_CONNECT_FAILED : L_TRANSPORT_LOST, 0);
}

export function cancelLogin(o: i32): u32 {
  const s = tget(O_SESS, o);
  if (s == NONE || tget(Q_STATE, <i32>s) == 0) return VDS_E_CANCEL_TOO_LATE;
  if (tget(Q_STATE, <i32>s) == Q3_LOGGED_IN) return VDS_E_CANCEL_TOO_LATE; // discovery already in, it finishes itself
  tset(O_CANCEL, o, 1);
  fail(<i32>s, L_CANCELLED, 0);
  return S_OK;
}
export function deadlineLogin(o: i32): void {
  const s = tget(O_SESS, o);
  if (s != NONE && tget(Q_STATE, <i32>s) != 0) fail(<i32>s, L_TIMEOUT, 0);
}

// ---- discovery (SendTargets=All over the discovery session, then a proper Logout)
function sendTargetsRequest(c: i32, s: i32): void {
  store<u32>(CARRY + <usize>s * (CARRY_CAP + 4), 0);
  const p = pduBegin(c, 64);
  store<u8>(p, 0x04); store<u8>(p, 0x80, 1);
  const itt = nextItt(s);
  put32(p + 16, itt); tset(C_ITT, c, itt);
  put32(p + 20, 0xFFFFFFFF);
  put32(p + 24, tget(Q_CMDSN, s));
  tset(Q_CMDSN, s, tget(Q_CMDSN, s) + 1);
  put32(p + 28, tget(C_EXPSTATSN, c));
  wStart(pduData(), 64);
  wKey("SendTargets"); wStr("All"); wEnd();
  pduEnd(wLen);
  tset(C_STEP, c, LG_DISCOVERY_TEXT);
  armConn(c, CT_TEXT, tget(Q_LOGINMS, s));
}

// A key=value pair may straddle Text Responses (C bit): what follows the last NUL waits here.
const CARRY_CAP: u32 = 1024;
const CARRY = memory.data(MAX_SESSIONS * <i32>(CARRY_CAP + 4), 4);

export function textResponse(c: i32, s: i32, p: usize, data: usize, dsl: u32): void {
  const o = tget(Q_OP, s);
  if (tget(C_STEP, c) != LG_DISCOVERY_TEXT || be32(p + 16) != tget(C_ITT, c) || o == NONE) return;
  const carry = CARRY + <usize>s * (CARRY_CAP + 4);
  const held = load<u32>(carry);
  const at = txAlloc(held + dsl);
  if (at < 0) { discoveryTimeout(c); return; }
  memory.copy(TX + at, carry + 4, held);
  memory.copy(TX + at + held, data, dsl);
  const all = TX + at, n = held + dsl;
  let end = n;
  while (end > 0 && load<u8>(all + end - 1) != 0) end--;
  if (n - end > CARRY_CAP) { tset(O_HR, <i32>o, VDS_E_ISCSI_LOGIN_FAILED); tset(C_STEP, c, 0); cancelConn(c); logoutSend(s); return; }
  memory.copy(carry + 4, all + end, n - end);
  store<u32>(carry, n - end);
  emitPairs(<i32>o, all, end);
  const b1 = <u32>load<u8>(p, 1);
  const ttt = be32(p + 20);
  if ((b1 & 0x80) == 0 || (b1 & 0x40) != 0) {
    // More to come: an empty Text Request echoing the Target Transfer Tag.
    const q = pduBegin(c, 0);
    store<u8>(q, 0x04); store<u8>(q, 0x80, 1);
    put32(q + 16, tget(C_ITT, c)); put32(q + 20, ttt);
    put32(q + 24, tget(Q_CMDSN, s)); tset(Q_CMDSN, s, tget(Q_CMDSN, s) + 1);
    put32(q + 28, tget(C_EXPSTATSN, c));
    pduEnd(0);
    armConn(c, CT_TEXT, tget(Q_LOGINMS, s));
    return;
  }
  tset(C_STEP, c, 0);
  cancelConn(c);
  tset(O_HR, <i32>o, S_OK);
  logoutSend(s);
}

export function discoveryTimeout(c: i32): void {
  const s = <i32>tget(C_SESS, c);
  const o = tget(Q_OP, s);
  if (o != NONE) tset(O_HR, <i32>o, VDS_E_TIMEOUT);
  tset(C_STEP, c, 0);
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
