// The portals a session may come back at (STR_PORTALS: NUL-separated host:port texts, the
// login's first), for recovery.ts to try in turn.
import { Session, strPtr, strLen, strData, STR_PORTALS, STR_SIZE } from "./records";

// The list as it was, while it is rewritten (static, as every buffer of the core: no heap).
const OLD: usize = memory.data(<i32>STR_SIZE);

// Puts `addr` first, without a second copy of it; what no longer fits falls off the end.
export function portalFirst(s: Session, addr: usize, len: u32): void {
  const cap: u32 = STR_SIZE - 2;
  if (len == 0 || len > cap) return;
  const p = strData(s, STR_PORTALS), n = strLen(s, STR_PORTALS);
  const old = OLD;
  memory.copy(old, p, n);
  memory.copy(p, addr, len);
  let out = len;
  for (let from: u32 = 0; from < n;) {
    let to = from;
    while (to < n && load<u8>(old + to) != 0) to++;
    const same = to - from == len && memory.compare(old + from, addr, len) == 0;
    if (!same && to > from && out + 1 + (to - from) <= cap) {
      store<u8>(p + out, 0);
      memory.copy(p + out + 1, old + from, to - from);
      out += 1 + (to - from);
    }
    from = to + 1;
  }
  store<u16>(strPtr(s, STR_PORTALS), <u16>out);
}
