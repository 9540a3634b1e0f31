// The one way anything talks to the core's action queue: the engine and the test driver both go
// through it, so what the tests drive is the loop that runs under a socket. What each action
// means is the caller's `perform`; nothing here decides anything about iSCSI.
import type { CoreExports } from './wasm/load.ts';
import type { CoreViews } from './wasm/views.ts';
import { type Action, readAction } from './codes.ts';

const always = () => true;

export class CoreLoop {
  constructor(
    private core: CoreExports,
    private v: CoreViews,
    /** Every action, in order, `more` included (it is followed here, after the rest of its batch). */
    private perform: (a: Action) => void,
    /** Told when a call overflowed, before the actions it did queue are carried out. */
    private overflowed?: () => void,
  ) {}

  /** Decodes the queue before acting on any of it: acting may call the core again, which starts
   *  a fresh queue. A call that overflowed (a core defect; peer input cannot cause it) still
   *  queued some actions, which are carried out: throwing here would throw out of a socket
   *  callback. */
  take(n: number): Action[] {
    if (n < 0) {
      this.overflowed?.();
      n = this.core.queued();
    }
    const out: Action[] = [];
    const w = this.v.actWords, act = this.v.act, tx = this.v.tx;
    for (let i = 0; i < n; i++) out.push(readAction(act, tx, i * w));
    return out;
  }

  /** ACT_MORE: the core had more to send than one call may queue (Data-Out for a long R2T); it
   *  comes last in its batch, and the next batch is asked for once the rest is carried out. */
  performAll(acts: Action[]): void {
    for (;;) {
      let more = false;
      for (const a of acts) {
        if (a.kind === 'more') more = true;
        this.perform(a);
      }
      if (!more) return;
      acts = this.take(this.core.more());
    }
  }

  drain(n: number): void {
    this.performAll(this.take(n));
  }

  /** One socket chunk: copied into RX once (not at all when the host read it into RX) and framed
   *  in one call; only when the core paused (its action queue filled) is the rest copied in again,
   *  after draining. `live` says whether the socket is still the connection's: once acting closed
   *  it, the rest is not the core's. */
  feed(c: number, chunk: Uint8Array, live: () => boolean = always): void {
    const rx = this.v.rx;
    for (let at = 0; at < chunk.length && live();) {
      const part = chunk.subarray(at, Math.min(chunk.length, at + rx.length));
      const inPlace = part.buffer === rx.buffer && part.byteOffset === rx.byteOffset;
      if (!inPlace) rx.set(part);
      const n = this.core.data(c, part.length);
      const used = this.core.consumed();
      // Acting may write RX (a CHAP digest), so a rest still in RX leaves it before the drain.
      if (inPlace && used < part.length) {
        chunk = part.slice(used);
        at = 0;
      } else at += used;
      this.drain(n);
    }
  }
}

/** A parameter's value: bytes, text (written as UTF-8), or 32-bit words (little-endian). */
export type ParamValue = Uint8Array | string | readonly number[];
const utf8 = new TextEncoder();
const tooLong = () => new RangeError('login parameters too long');

/** Writes TLV parameters (tag and length little-endian, 16 bits each) into the core's IO region;
 *  returns the byte length. Each value is written in place, with no array of its own on the way
 *  (one login's few typed arrays and encodings showed in profiles). */
export function writeParams(io: Uint8Array, list: readonly (readonly [number, ParamValue])[]): number {
  let at = 0;
  for (const [tag, v] of list) {
    const room = io.length - at - 4;
    if (room < 0) throw tooLong();
    let n: number;
    if (typeof v === 'string') {
      const r = utf8.encodeInto(v, io.subarray(at + 4, at + 4 + Math.min(room, 0xffff)));
      if (r.read !== v.length) throw tooLong();
      n = r.written;
    } else if (v instanceof Uint8Array) {
      n = v.length;
      if (n > room) throw tooLong();
      io.set(v, at + 4);
    } else {
      n = v.length * 4;
      if (n > room) throw tooLong();
      for (let i = 0, o = at + 4; i < v.length; i++, o += 4) {
        const w = v[i] >>> 0;
        io[o] = w & 0xff;
        io[o + 1] = (w >>> 8) & 0xff;
        io[o + 2] = (w >>> 16) & 0xff;
        io[o + 3] = w >>> 24;
      }
    }
    io[at] = tag & 0xff;
    io[at + 1] = tag >> 8;
    io[at + 2] = n & 0xff;
    io[at + 3] = n >> 8;
    at += 4 + n;
  }
  return at;
}
