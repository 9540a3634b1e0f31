// The action queue: everything the core wants done is a fixed ACT_WORDS-word record, drained by the
// host after each call, in order. TX holds the bytes those records point at; both reset at the
// start of every entry call, so nothing accumulates between calls. Peer input can never
// overflow them: the framer pauses while the room left could not hold one more PDU's worst
// case (roomForPdu), and the host feeds the rest of the chunk after draining.
import { TX, TX_CAP } from "./mem";
import { MAX_RECV_DSL } from "./codes";

export const ACT_CAP: i32 = 8192;
export const ACT_WORDS: i32 = 10;
const ACT_BYTES: usize = <usize>ACT_WORDS * 4;
export const ACT: usize = memory.data(ACT_CAP * ACT_WORDS * 4, 16);
let actLen: i32 = 0;
let txLen: u32 = 0;
let overflow: bool = false;

// The most one PDU can produce: a handful of records, plus one per key=value pair of a Text
// Response (a pair takes at least 8 bytes), plus the call's own settle step; TX for one
// outbound PDU, a Text Response copied with its carry, and the texts it yields.
const PDU_ACTS: i32 = 64 + <i32>(MAX_RECV_DSL / 8);
const PDU_TX: u32 = 3 * MAX_RECV_DSL + 16384;

export function beginCall(): void { actLen = 0; txLen = 0; overflow = false; }
export function actionCount(): i32 { return overflow ? -1 : actLen; }
// The actions queued whatever happened: after an overflow, those that made it in.
export function actionsQueued(): i32 { return actLen; }
export function roomForPdu(): bool { return actLen + PDU_ACTS <= ACT_CAP && txLen + PDU_TX <= TX_CAP; }
// Room for one more generated PDU (a Data-Out header) that still leaves a peer PDU's worst case.
export function roomToSend(): bool { return actLen + 1 + PDU_ACTS <= ACT_CAP && txLen + 56 + PDU_TX <= TX_CAP; }

export function act(kind: u32, a: u32 = 0, b: u32 = 0, c: u32 = 0, d: u32 = 0, e: u32 = 0, f: u32 = 0, g: u32 = 0,
    h: u32 = 0): void {
  if (actLen >= ACT_CAP) { overflow = true; return; }
  const p = ACT + <usize>actLen * ACT_BYTES;
  store<u32>(p, kind); store<u32>(p, a, 4); store<u32>(p, b, 8); store<u32>(p, c, 12);
  store<u32>(p, d, 16); store<u32>(p, e, 20); store<u32>(p, f, 24); store<u32>(p, g, 28); store<u32>(p, h, 32);
  actLen++;
}

// Reserves n bytes of TX (4-byte aligned); returns the offset, or -1 when this call's TX is full.
export function txAlloc(n: u32): i32 {
  const at = (txLen + 3) & ~3;
  if (at + n > TX_CAP) { overflow = true; return -1; }
  txLen = at + n;
  return <i32>at;
}
export function txShrink(at: u32, n: u32): void { txLen = at + n; }
