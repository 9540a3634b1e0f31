// Login (RFC 7143 §6, §13): SecurityNegotiation with None, CHAP or mutual CHAP, then
// LoginOperationalNegotiation, then Full Feature Phase. Secrets never enter this module: the
// host is asked for CHAP hashes (ACT_CHAP_ANSWER / ACT_CHAP_VERIFY) and hands back only digests.
import { S_OK, E_INVALIDARG, E_OUTOFMEMORY, VDS_E_ISCSI_LOGIN_FAILED, VDS_E_OPERATION_CANCELED, VDS_E_CANCEL_TOO_LATE,
  VDS_E_TIMEOUT, ACT_CONNECT, ACT_LOGGED_IN, ACT_LOGIN_STATUS, ACT_CHAP_ANSWER, ACT_CHAP_VERIFY, ACT_TEXT,
  TEXT_REDIRECT, K_HEADER_DIGEST, K_DATA_DIGEST, LOGIN_CHAP_MD5, ASYNC_DISCOVER, ASYNC_LOGINTOTARGET, AUTH_NONE,
  AUTH_MUTUAL_CHAP, MAX_RECV_DSL, S2_XPT_WAIT, S4_IN_LOGIN, S5_LOGGED_IN, Q3_LOGGED_IN,
  LOGIN_DISCOVERY, LOGIN_HEADER_DIGEST, LOGIN_DATA_DIGEST, LOGIN_CHAP_SHA1, LOGIN_CHAP_SHA256, LOGIN_CHAP_SHA3_256,
  LOGIN_HEADER_DIGEST_PREFER, LOGIN_DATA_DIGEST_PREFER,
  P_INITIATOR_NAME, P_TARGET_NAME, P_CHAP_USER, P_CHAP_TARGET_USER, P_RANDOM, P_KEEPALIVE_MS, P_TMF_MS,
  P_PORTAL_GROUP_TAG, P_RECOVERY, P_PORTALS, DISCOVERY_GRACE_MS,
  L_AUTH_FAILED, L_AUTHZ_FAILED, L_NOT_FOUND, L_OUT_OF_RESOURCES, L_TARGET_ERROR, L_INITIATOR_ERROR,
  L_DOWNGRADE_REFUSED, L_MUTUAL_AUTH_FAILED, L_TIMEOUT, L_CONNECT_FAILED, L_PROTOCOL_ERROR,
  L_TRANSPORT_LOST, L_TOO_MANY_REDIRECTS, L_CANCELLED, L_NEGOTIATION_FAILED, L_PORTAL_GROUP_MISMATCH, ERR_NO_SLOT,
  DATA_SEGMENT_MAX, K_TARGET_PORTAL_GROUP_TAG, K_COUNT, TAG_NONE, LT_CONNECT, LT_LOGIN, LP_ITT, LP_HEADER,
  LP_TEXT_TOO_LONG, LP_TSIH_ZERO, LP_UNEXPECTED, LP_CHAP, LP_REDIRECT } from "./codes";
import { act, txAlloc } from "./actions";
import { TX, RX, IO, IO_CAP, be16, be32, put16 } from "./mem";
import { Conn, Session, Operation, conn, sess, op, opAlloc, targetLive, nextItt, STEP_SEC_NONE, STEP_SEC_OFFER,
  STEP_CHAP_A, STEP_CHAP_WAIT_HASH, STEP_CHAP_R, STEP_CHAP_WAIT_VERIFY, STEP_OPERATIONAL,
  strPtr, strLen, strData, NONE, STR_SIZE, STR_COUNT, STR_PORTALS, SF_RECOVERING, STR_INITIATOR, STR_TARGET,
  STR_CHAP_USER, STR_CHAP_TARGET_USER,
  SF_HDIGEST, SF_DDIGEST, SF_DISCOVERY, SF_HD_ON, SF_DD_ON, PEER_R_CAP, TEXT_CAP } from "./records";
import { findKey, valIs, valNum, valBinary, valPtr, valLen, bytesEq, wStart, wKey, wStr, wBytes, wDec, wHex,
  wEnd, wLen, wOkay, addressTag, addrLen } from "./text";
import { pduBegin, pduData, pduEnd, stamp } from "./send";
import { armConn, cancelConn, CT_CONNECT, CT_LOGIN, CT_KEEPALIVE } from "./timers";
import { framerReset, framerSetDigests, framerStream } from "./framer";
import { closeConn, connOpen, sessionGone, opFinish } from "./lifecycle";
import { portalFirst } from "./portals";
import { connTo, sessNew, sessTo, sessRelease, CE_CONNECT, CE_UP, CE_LOGIN_OK, CE_LOGIN_FAILED, CE_LOST,
  SE_LOGGED_IN, SE_REINSTATED } from "./fsm";
import { keysOffer, keysAnswer, keysAnswerProposals, keysReset, keysSettle, setSessionParam, digestsOffer,
  digestsAnswer } from "./keys";
import { sendTargetsRequest } from "./discovery";


const MAX_REDIRECTS: u32 = 3;
const DATA_CAP: u32 = 2048;

// Recovery (recovery.ts, a layer that imports this one) hears how a reinstatement login ended.
export type Reinstated = (c: Conn, s: Session) => void;
export type AttemptFailed = (s: Session) => void;
let onReinstated: Reinstated = (c: Conn, s: Session): void => {};
let onAttemptFailed: AttemptFailed = (s: Session): void => {};
export function loginOnRecovery(done: Reinstated, failed: AttemptFailed): void {
  onReinstated = done; onAttemptFailed = failed;
}

// A new login for a session whose connection failed, to TX[at, at+len): same ISID, TSIH 0, so the
// target ends the old session and its tasks (session reinstatement, RFC 7143 §6.3.5). False when
// no connection record is free.
export function reinstate(s: Session, at: u32, len: u32): bool {
  const c = connOpen(s.index);
  if (c == null) return false;
  s.conn = <u32>c.index; s.tsih = 0; s.redirects = 0;
  s.flags &= ~(SF_HD_ON | SF_DD_ON);
  keysReset(s);
  connectTo(c, s, at, len);
  return true;
}

// Durations become host timers: above 2^31-1 ms some runtimes fire at once, so they are refused.
export function durationOk(ms: u32, zeroOk: bool): bool { return ms <= 0x7FFFFFFF && (zeroOk || ms > 0); }

// ---- starting: LoginToTarget or discovery (flags: LOGIN_* in codes.ts). Returns the operation slot.
export function loginStart(target: i32, auth: u32, flags: u32, connectMs: u32, loginMs: u32, ioLen: u32): i32 {
  const discovery = (flags & LOGIN_DISCOVERY) != 0;
  const r = opAlloc(discovery ? ASYNC_DISCOVER : ASYNC_LOGINTOTARGET);
  if (r == null) return ERR_NO_SLOT;
  const o = r.index;
  if (!discovery && !targetLive(target)) { opFinish(o, E_INVALIDARG); return o; }
  if (auth > AUTH_MUTUAL_CHAP || !durationOk(connectMs, false) || !durationOk(loginMs, false) ||
    !digestsOk(flags)) {
    opFinish(o, E_INVALIDARG); return o;
  }
  const s = sessNew();
  if (s == null) { act(ACT_LOGIN_STATUS, <u32>o, 0, L_OUT_OF_RESOURCES); opFinish(o, E_OUTOFMEMORY); return o; }
  if (!readParams(s, ioLen)) { sessRelease(s); opFinish(o, E_INVALIDARG); return o; }
  s.target = discovery ? NONE : <u32>target;
  s.auth = auth;
  // Session flags keep the caller's digest wishes (bits 0-1 required, 16-17 preferred) and CHAP_A choices (bits 8-11).
  s.flags = (flags & (LOGIN_HEADER_DIGEST | LOGIN_DATA_DIGEST | LOGIN_HEADER_DIGEST_PREFER | LOGIN_DATA_DIGEST_PREFER |
    LOGIN_CHAP_MD5 | LOGIN_CHAP_SHA1 | LOGIN_CHAP_SHA256 | LOGIN_CHAP_SHA3_256)) | (discovery ? SF_DISCOVERY : 0);
  s.connectMs = connectMs; s.loginMs = loginMs;
  // A discovery succeeds only once its SendTargets answer is complete (discovery.ts). tgtd never
  // sends FIN after a discovery Logout; its answer is in hand by then, so the wait for FIN is
  // kept short rather than the full grace a normal session gets.
  if (discovery) { r.hr = VDS_E_ISCSI_LOGIN_FAILED; s.graceMs = DISCOVERY_GRACE_MS; }
  loginBegin(r, s);
  return o;
}

// A digest is required, preferred or off, never both of the first two.
function digestsOk(flags: u32): bool {
  return !((flags & LOGIN_HEADER_DIGEST) && (flags & LOGIN_HEADER_DIGEST_PREFER)) &&
    !((flags & LOGIN_DATA_DIGEST) && (flags & LOGIN_DATA_DIGEST_PREFER));
}

// Reads the TLV parameter block the host wrote into IO. Returns false on a malformed block.
function readParams(s: Session, len: u32): bool {
  if (len > IO_CAP) return false;
  memory.fill(s.strs, 0, STR_COUNT * STR_SIZE);
  let i: u32 = 0;
  while (i + 4 <= len) {
    const tag = <u32>load<u16>(IO + i), n = <u32>load<u16>(IO + i + 2);
    i += 4;
    if (i + n > len) return false;
    let which: u32 = 99;
    if (tag == P_INITIATOR_NAME) which = STR_INITIATOR;
    else if (tag == P_TARGET_NAME) which = STR_TARGET;
    else if (tag == P_CHAP_USER) which = STR_CHAP_USER;
    else if (tag == P_CHAP_TARGET_USER) which = STR_CHAP_TARGET_USER;
    if (which != 99) {
      if (n > STR_SIZE - 2) return false;
      const p = strPtr(s, which);
      store<u16>(p, <u16>n); memory.copy(p + 2, IO + i, n);
    } else if (tag == P_KEEPALIVE_MS) {
      // The ping interval, and the wait for its answer when a second word gives one (else the same).
      if (n != 4 && n != 8) return false;
      const every = load<u32>(IO + i), wait = n == 8 ? load<u32>(IO + i + 4) : every;
      if (!durationOk(every, true) || !durationOk(wait, true)) return false;
      s.keepaliveMs = every; s.noopWaitMs = wait;
    } else if (tag == P_PORTALS) {
      if (n > STR_SIZE - 2) return false;
      const p = strPtr(s, STR_PORTALS);
      store<u16>(p, <u16>n); memory.copy(p + 2, IO + i, n);
    } else if (tag == P_RECOVERY) {
      if (n != 16) return false;
      const ms = load<u32>(IO + i), lo = load<u32>(IO + i + 4), hi = load<u32>(IO + i + 8);
      if (!durationOk(ms, false) || !durationOk(lo, false) || !durationOk(hi, false) || lo > hi) return false;
      s.replaceMs = ms; s.delayMin = lo; s.delayMax = hi; s.attemptsMax = load<u32>(IO + i + 12);
    } else if (tag == P_TMF_MS) {
      if (n != 4 || !durationOk(load<u32>(IO + i), false)) return false;
      s.tmfMs = load<u32>(IO + i);
    } else if (tag == P_PORTAL_GROUP_TAG) {
      if (n != 4 || load<u32>(IO + i) > 0xFFFF) return false;
      s.portalTag = load<u32>(IO + i);
    } else if (tag == P_RANDOM) {
      if (n != 32) return false;
      memory.copy(s.random, IO + i, 32);
    }
    i += n;
  }
  return i == len;
}

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

function loginBegin(r: Operation, s: Session): void {
  const c = connOpen(s.index);
  if (c == null) {
    act(ACT_LOGIN_STATUS, <u32>r.index, 0, L_OUT_OF_RESOURCES); sessionGone(s);
    opFinish(r.index, VDS_E_ISCSI_LOGIN_FAILED); return;
  }
  s.conn = <u32>c.index; s.op = <u32>r.index; r.sess = <u32>s.index;
  keysReset(s);
  connectTo(c, s, 0, 0);
}

// T1: ask the host for a transport to the caller's portal (len 0) or to TX[at, at+len).
function connectTo(c: Conn, s: Session, at: u32, len: u32): void {
  store<u32>(s.carry, 0);
  framerReset(c, 0, MAX_RECV_DSL);
  connTo(c, CE_CONNECT);                               // T1
  act(ACT_CONNECT, <u32>c.index, at, len, <u32>s.index, s.op);
  armConn(c, CT_CONNECT, s.connectMs);
}

export function loginTransportUp(c: Conn): void {
  if (c.state != S2_XPT_WAIT) return;
  const s = sess(c.sess);
  cancelConn(c);
  connTo(c, CE_UP);                                    // T4
  armConn(c, CT_LOGIN, s.loginMs);
  const chap = s.auth != AUTH_NONE;
  const p = begin(c, s, 0, 1, !chap);
  wKey("InitiatorName"); wBytes(strData(s, STR_INITIATOR), strLen(s, STR_INITIATOR)); wEnd();
  if (s.flags & SF_DISCOVERY) { wKey("SessionType"); wStr("Discovery"); wEnd(); }
  else {
    wKey("SessionType"); wStr("Normal"); wEnd();
    wKey("TargetName"); wBytes(strData(s, STR_TARGET), strLen(s, STR_TARGET)); wEnd();
  }
  // Only the method the caller asked for is offered: no downgrade to None when CHAP is required.
  wKey("AuthMethod"); wStr(chap ? "CHAP" : "None"); wEnd();
  finish(c, p, chap ? STEP_SEC_OFFER : STEP_SEC_NONE);
}

// Login Request header for this connection: CSG/NSG/T as given, data written after it.
function begin(c: Conn, s: Session, csg: u32, nsg: u32, transit: bool): usize {
  const p = pduBegin(c, DATA_CAP);
  const itt = nextItt(s);
  stamp(p, 0x43, (transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0), itt, c.cid << 16, s.cmdSN, c.expStatSN);
  store<u8>(p + 8, 0x80);                               // ISID type 10b: random
  memory.copy(p + 9, s.random, 5);
  put16(p + 14, s.tsih);
  c.itt = itt;
  wStart(pduData(), DATA_CAP);
  return p;
}
function finish(c: Conn, p: usize, step: u32): void {
  if (!wOkay()) { fail(sess(c.sess), L_INITIATOR_ERROR, 0); return; }
  pduEnd(wLen);
  c.step = step;
}

function sendOperational(c: Conn, s: Session): void {
  const p = begin(c, s, 1, 3, true);
  digestsOffer(s.flags);
  keysOffer((s.flags & SF_DISCOVERY) != 0);
  finish(c, p, STEP_OPERATIONAL);
}

// An empty Login Request that asks to move on (the target answered T=0).
function sendContinue(c: Conn, s: Session, csg: u32, nsg: u32, step: u32): void {
  const p = begin(c, s, csg, nsg, true);
  finish(c, p, step);
}

// ---- responses
export function loginResponse(c: Conn, p: usize, body: usize, bodyLen: u32): void {
  const s = sess(c.sess);
  if (be32(p + 16) != c.itt) { fail(s, L_PROTOCOL_ERROR, 0, LP_ITT); return; }
  c.expStatSN = be32(p + 24) + 1;
  s.expCmdSN = be32(p + 28); s.maxCmdSN = be32(p + 32);
  const status = be16(p + 36);
  if (status != 0) {
    if ((status >> 8) == 1) { redirect(c, s, body, bodyLen, status); return; }
    fail(s, mapStatus(status), status); return;
  }
  const b1 = <u32>load<u8>(p, 1);
  const transit = (b1 & 0x80) != 0;
  const nsg = b1 & 3;
  // Version 0 (RFC 7143), our own ISID, and a C bit only without T.
  if (load<u16>(p, 2) != 0 || load<u8>(p, 8) != 0x80 || !bytesEq(p + 9, 5, s.random, 5) || ((b1 & 0x40) && transit)) {
    fail(s, L_PROTOCOL_ERROR, 0, LP_HEADER); return;
  }
  // A text split over responses with the C bit (RFC 7143 §6.1): gather it, ask for the rest with
  // an empty request, and read it whole once the last part is in.
  let data = body, dsl = bodyLen;
  const held = load<u32>(s.carry);
  if ((b1 & 0x40) || held) {
    if (held + bodyLen > TEXT_CAP) { fail(s, L_PROTOCOL_ERROR, 0, LP_TEXT_TOO_LONG); return; }
    memory.copy(s.carry + 4 + held, body, bodyLen);
    store<u32>(s.carry, held + bodyLen);
    if (b1 & 0x40) { const q = begin(c, s, (b1 >> 2) & 3, 0, false); finish(c, q, c.step); return; }
    data = s.carry + 4; dsl = held + bodyLen;
    store<u32>(s.carry, 0);
  }
  s.tsih = be16(p + 14);
  if (transit && nsg == 3 && s.tsih == 0) { fail(s, L_PROTOCOL_ERROR, 0, LP_TSIH_ZERO); return; }
  if (!portalGroup(s, data, dsl)) return;
  const step = c.step;
  if (step == STEP_SEC_NONE) {
    if (findKey(data, dsl, "AuthMethod") && !valIs("None")) { fail(s, L_AUTH_FAILED, 0); return; }
    afterSecurity(c, s, transit, nsg);
  } else if (step == STEP_SEC_OFFER) {
    if (!findKey(data, dsl, "AuthMethod") || !valIs("CHAP")) { fail(s, L_DOWNGRADE_REFUSED, 0); return; }
    if (transit && nsg != 0) { fail(s, L_DOWNGRADE_REFUSED, 0); return; }
    const q = begin(c, s, 0, 1, false);
    wKey("CHAP_A"); writeAlgorithms(s.flags); wEnd();
    finish(c, q, STEP_CHAP_A);
  } else if (step == STEP_CHAP_A) {
    chapChallenge(c, s, data, dsl);
  } else if (step == STEP_CHAP_R) {
    if (s.auth == AUTH_MUTUAL_CHAP) { chapMutual(c, s, data, dsl, transit, nsg); return; }
    afterSecurity(c, s, transit, nsg);
  } else if (step == STEP_OPERATIONAL) {
    operationalAnswer(c, s, data, dsl, transit, nsg);
  } else {
    fail(s, L_PROTOCOL_ERROR, 0, LP_UNEXPECTED);
  }
}

// RFC 7143 §13.9: the target declares its portal group in whichever Login Response it picks
// (tgtd and istgt: the first, in the security stage). A tag other than the one discovery
// reported for this portal means we reached another portal group than we were told of, so the
// login stops there. A tag that is no 16-bit number fails like any other out-of-range answer.
function portalGroup(s: Session, data: usize, dsl: u32): bool {
  if (!findKey(data, dsl, "TargetPortalGroupTag") || valIs("Reject") || valIs("Irrelevant") ||
      valIs("NotUnderstood")) return true;
  const v = valNum();
  if (v < 0 || v > 0xFFFF) { fail(s, L_NEGOTIATION_FAILED, 0, K_TARGET_PORTAL_GROUP_TAG); return false; }
  if (s.portalTag != TAG_NONE && <u32>v != s.portalTag) { fail(s, L_PORTAL_GROUP_MISMATCH, 0, <u32>v); return false; }
  setSessionParam(s, K_TARGET_PORTAL_GROUP_TAG, <u32>v);
  return true;
}

function afterSecurity(c: Conn, s: Session, transit: bool, nsg: u32): void {
  if (transit && nsg == 1) sendOperational(c, s);
  else if (transit && nsg == 3) fullFeature(c, s);
  else sendContinue(c, s, 0, 1, c.step);
}

function chapChallenge(c: Conn, s: Session, data: usize, dsl: u32): void {
  if (!findKey(data, dsl, "CHAP_A")) { fail(s, L_NEGOTIATION_FAILED, 0, K_COUNT); return; }
  const alg = valNum();
  if (alg < 5 || alg > 8 || !(offered(s.flags) & (<u32>1 << <u32>(alg - 5)))) {
    fail(s, L_NEGOTIATION_FAILED, 0, K_COUNT); return;
  }
  if (!findKey(data, dsl, "CHAP_I")) { fail(s, L_PROTOCOL_ERROR, 0, LP_CHAP); return; }
  const id = valNum();
  if (id < 0 || id > 255) { fail(s, L_PROTOCOL_ERROR, 0, LP_CHAP); return; }
  if (!findKey(data, dsl, "CHAP_C")) { fail(s, L_PROTOCOL_ERROR, 0, LP_CHAP); return; }
  const at = txAlloc(1024);
  if (at < 0) { fail(s, L_INITIATOR_ERROR, 0); return; }
  const n = valBinary(TX + at, 1024);
  if (n <= 0) { fail(s, L_PROTOCOL_ERROR, 0, LP_CHAP); return; }
  // RFC 7143 §12.1.3: a challenge one side sent is never used back in the other direction. Ours
  // is sent after the target's, so a target challenge equal to ours is refused outright.
  if (s.auth == AUTH_MUTUAL_CHAP && bytesEq(TX + at, <u32>n, s.random + 16, 16)) {
    fail(s, L_MUTUAL_AUTH_FAILED, 0); return;
  }
  s.chapAlg = <u32>alg;
  c.step = STEP_CHAP_WAIT_HASH;
  act(ACT_CHAP_ANSWER, <u32>c.index, <u32>alg, <u32>id, <u32>at, <u32>n);
}

// The host answers ACT_CHAP_ANSWER with the digest in RX.
export function chapAnswer(c: Conn, len: u32): void {
  if (c.state != S4_IN_LOGIN || c.step != STEP_CHAP_WAIT_HASH) return;
  const s = sess(c.sess);
  if (len != hashLen(s.chapAlg)) { fail(s, L_AUTH_FAILED, 0); return; }
  const p = begin(c, s, 0, 1, true);
  wKey("CHAP_N"); wBytes(strData(s, STR_CHAP_USER), strLen(s, STR_CHAP_USER)); wEnd();
  wKey("CHAP_R"); wHex(RX, len); wEnd();
  if (s.auth == AUTH_MUTUAL_CHAP) {
    wKey("CHAP_I"); wDec(<u32>load<u8>(s.random, 8)); wEnd();
    wKey("CHAP_C"); wHex(s.random + 16, 16); wEnd();
  }
  finish(c, p, STEP_CHAP_R);
}

function chapMutual(c: Conn, s: Session, data: usize, dsl: u32, transit: bool, nsg: u32): void {
  if (!findKey(data, dsl, "CHAP_N") ||
      !bytesEq(valPtr, valLen, strData(s, STR_CHAP_TARGET_USER), strLen(s, STR_CHAP_TARGET_USER))) {
    fail(s, L_MUTUAL_AUTH_FAILED, 0); return;
  }
  if (!findKey(data, dsl, "CHAP_R")) { fail(s, L_MUTUAL_AUTH_FAILED, 0); return; }
  const n = valBinary(s.peerR + 4, PEER_R_CAP);
  if (n <= 0) { fail(s, L_MUTUAL_AUTH_FAILED, 0); return; }
  store<u32>(s.peerR, <u32>n);
  s.chapNext = (transit ? 0x80 : 0) | nsg;
  c.step = STEP_CHAP_WAIT_VERIFY;
  const at = txAlloc(16);
  if (at < 0) { fail(s, L_INITIATOR_ERROR, 0); return; }
  memory.copy(TX + at, s.random + 16, 16);
  act(ACT_CHAP_VERIFY, <u32>c.index, s.chapAlg, <u32>load<u8>(s.random, 8), <u32>at, 16);
}

// The host answers ACT_CHAP_VERIFY with the digest the target should have sent, in RX.
export function chapExpected(c: Conn, len: u32): void {
  if (c.state != S4_IN_LOGIN || c.step != STEP_CHAP_WAIT_VERIFY) return;
  const s = sess(c.sess);
  if (!bytesEq(RX, len, s.peerR + 4, load<u32>(s.peerR))) { fail(s, L_MUTUAL_AUTH_FAILED, 0); return; }
  afterSecurity(c, s, (s.chapNext & 0x80) != 0, s.chapNext & 3);
}

function operationalAnswer(c: Conn, s: Session, data: usize, dsl: u32, transit: bool, nsg: u32): void {
  // Answers may come over several responses: remember each key when it appears.
  const digest = digestsAnswer(s, data, dsl);
  if (digest != K_COUNT) { fail(s, L_NEGOTIATION_FAILED, 0, digest); return; }
  const discovery = (s.flags & SF_DISCOVERY) != 0;
  const broken = keysAnswer(s, data, dsl, discovery);
  if (broken != K_COUNT) { fail(s, L_NEGOTIATION_FAILED, 0, broken); return; }
  if (transit && nsg == 3) { fullFeature(c, s); return; }
  // Not done yet: ask to move on, answering whatever the target proposed.
  const q = begin(c, s, 1, 3, true);
  keysAnswerProposals(data, dsl, discovery);
  finish(c, q, STEP_OPERATIONAL);
}

// T5 (S4->S5), N1 (Q1->Q3), whichever path the target took to get here: digests the caller
// asked for are required, not hoped for.
function fullFeature(c: Conn, s: Session): void {
  const f0 = s.flags;
  if ((f0 & SF_HDIGEST) && !(f0 & SF_HD_ON)) { fail(s, L_NEGOTIATION_FAILED, 0, K_HEADER_DIGEST); return; }
  if ((f0 & SF_DDIGEST) && !(f0 & SF_DD_ON)) { fail(s, L_NEGOTIATION_FAILED, 0, K_DATA_DIGEST); return; }
  cancelConn(c);
  connTo(c, CE_LOGIN_OK);                              // T5
  const again = (s.flags & SF_RECOVERING) != 0;
  sessTo(s, again ? SE_REINSTATED : SE_LOGGED_IN);     // N4, N1
  const f = s.flags;
  setSessionParam(s, K_HEADER_DIGEST, (f & SF_HD_ON) ? 1 : 0);
  setSessionParam(s, K_DATA_DIGEST, (f & SF_DD_ON) ? 1 : 0);
  framerSetDigests(c, (f & SF_HD_ON) != 0, (f & SF_DD_ON) != 0);
  const o = <i32>s.op;
  if (f & SF_DISCOVERY) { sendTargetsRequest(c, s); return; }
  keysSettle(s);
  framerStream(c, DATA_SEGMENT_MAX);                   // what we declared as MaxRecvDataSegmentLength
  if (s.keepaliveMs) armConn(c, CT_KEEPALIVE, s.keepaliveMs);
  if (again) { onReinstated(c, s); return; }
  s.op = NONE;
  act(ACT_LOGGED_IN, <u32>o, <u32>s.index, s.tsih, <u32>c.index);
  opFinish(o, S_OK);
}

function redirect(c: Conn, s: Session, data: usize, dsl: u32, status: u32): void {
  if (!findKey(data, dsl, "TargetAddress") || valLen == 0) { fail(s, L_PROTOCOL_ERROR, 0, LP_REDIRECT); return; }
  const n = s.redirects + 1;
  if (n > MAX_REDIRECTS) { fail(s, L_TOO_MANY_REDIRECTS, 0); return; }
  s.redirects = n;
  const tag = addressTag(valPtr, valLen), len = addrLen;
  // The tag discovery reported was for the portal we leave; discovery said nothing of this one.
  s.portalTag = TAG_NONE;
  const at = txAlloc(len);
  if (at < 0) { fail(s, L_INITIATOR_ERROR, 0); return; }
  memory.copy(TX + at, valPtr, len);
  // Moved permanently (0x0102): later recoveries go to the new address first (RFC 7143 §11.13.5).
  if (status == 0x0102) portalFirst(s, valPtr, len);
  act(ACT_TEXT, s.op, TEXT_REDIRECT, <u32>at, len, tag);
  connTo(c, CE_LOGIN_FAILED);                          // T7
  closeConn(c);
  const c2 = connOpen(s.index);
  if (c2 == null) { fail(s, L_OUT_OF_RESOURCES, 0); return; }
  s.conn = <u32>c2.index;
  connectTo(c2, s, <u32>at, len);                      // T1 towards the new address
}

// Login failed: T7 (or T2), the session is discarded, the operation ends.
export function fail(s: Session, reason: u32, status: u32, detail: u32 = 0): void {
  const o = s.op;
  // T2 or T7; a discovery session already in full feature loses its connection (T15/T16/T17).
  if (s.conn != NONE) { const c = conn(<i32>s.conn); if (!connTo(c, CE_LOGIN_FAILED)) connTo(c, CE_LOST); }
  // A reinstatement attempt that failed: the session waits for the next one.
  if (s.flags & SF_RECOVERING) {
    if (s.conn != NONE) closeConn(conn(<i32>s.conn));
    s.conn = NONE;
    onAttemptFailed(s);
    return;
  }
  if (o != NONE) act(ACT_LOGIN_STATUS, o, status, reason, detail);
  sessionGone(s);
  if (o != NONE) {
    const hr = reason == L_CANCELLED ? VDS_E_OPERATION_CANCELED : VDS_E_ISCSI_LOGIN_FAILED;
    opFinish(<i32>o, op(<i32>o).type == ASYNC_DISCOVER && reason == L_TIMEOUT ? VDS_E_TIMEOUT : hr);
  }
}

// Out of time, whether still connecting or logging in: `timeout` (a refused connect is
// `connect-failed`, from loginTransportLost).
export function loginTimer(c: Conn): void {
  fail(sess(c.sess), L_TIMEOUT, 0, c.state == S2_XPT_WAIT ? LT_CONNECT : LT_LOGIN);
}
export function loginTransportLost(c: Conn, connecting: bool): void {
  fail(sess(c.sess), connecting ? L_CONNECT_FAILED : L_TRANSPORT_LOST, 0);
}

export function cancelLogin(r: Operation): u32 {
  const si = r.sess;
  if (si == NONE) return VDS_E_CANCEL_TOO_LATE;
  const s = sess(<i32>si);
  if (s.state == 0 || s.state == Q3_LOGGED_IN) return VDS_E_CANCEL_TOO_LATE; // a discovery already in finishes itself
  r.cancelled = 1;
  fail(s, L_CANCELLED, 0);
  return S_OK;
}
