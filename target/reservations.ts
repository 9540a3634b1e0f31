// Persistent reservations of the built-in target's logical unit (SPC-4 §5.9): registrations and
// the reservation per I_T nexus (initiator name and ISID), shared by every connection to the
// target, and the commands a reservation keeps out. Enough to play what initiators meet; not
// kept across a restart (APTPL is taken and ignored), no PREEMPT, no REGISTER AND MOVE.
import { type Ending, illegal, INVALID_FIELD_IN_CDB, PARAMETER_LIST_LENGTH } from './ending.ts';

const CONFLICT: Ending = { status: 0x18 };
const TYPES = new Set([1, 3, 5, 6, 7, 8]);
// Types under which reading is kept out too, and those that let every registrant in.
const EXCLUSIVE_ACCESS = new Set([3, 6, 8]);
const REGISTRANTS = new Set([5, 6, 7, 8]);
const ALL_REGISTRANTS = new Set([7, 8]);
// SYNCHRONIZE CACHE counts as a write (SBC-3 table 13), as tgtd has it.
const WRITES = new Set([0x2a, 0x8a, 0x93, 0x42, 0x89, 0x35, 0x91]);
const READS = new Set([0x28, 0x88]);

export class Reservations {
  generation = 0;
  #keys = new Map<string, bigint>();
  #holder?: { nexus: string; type: number };

  /** Whether a reservation keeps `nexus` from running a command with opcode `op`. */
  conflicts(nexus: string, op: number): boolean {
    const h = this.#holder;
    if (!h || h.nexus === nexus || (REGISTRANTS.has(h.type) && this.#keys.has(nexus))) return false;
    return WRITES.has(op) || (EXCLUSIVE_ACCESS.has(h.type) && READS.has(op));
  }

  /** PERSISTENT RESERVE IN: READ KEYS or READ RESERVATION. */
  in(cdb: Uint8Array): Uint8Array | Ending {
    const action = cdb[1] & 0x1f;
    if (action === 0) {
      const d = new Uint8Array(8 + 8 * this.#keys.size), dv = new DataView(d.buffer);
      dv.setUint32(0, this.generation);
      dv.setUint32(4, 8 * this.#keys.size);
      [...this.#keys.values()].forEach((k, i) => dv.setBigUint64(8 + 8 * i, k));
      return d;
    }
    if (action !== 1) return illegal(INVALID_FIELD_IN_CDB);
    const h = this.#holder;
    const d = new Uint8Array(h ? 24 : 8), dv = new DataView(d.buffer);
    dv.setUint32(0, this.generation);
    if (h) {
      dv.setUint32(4, 16);
      // An all-registrants reservation has no one holder: its key reads 0.
      dv.setBigUint64(8, ALL_REGISTRANTS.has(h.type) ? 0n : this.#keys.get(h.nexus) ?? 0n);
      d[21] = h.type;
    }
    return d;
  }

  /** PERSISTENT RESERVE OUT from `nexus` with its 24-byte parameter list; undefined is GOOD. */
  out(nexus: string, cdb: Uint8Array, data: Uint8Array): Ending | undefined {
    const action = cdb[1] & 0x1f, type = cdb[2] & 0x0f, scope = cdb[2] >> 4;
    if (new DataView(cdb.buffer, cdb.byteOffset).getUint32(5) !== 24 || data.length !== 24) {
      return illegal(PARAMETER_LIST_LENGTH);
    }
    const dv = new DataView(data.buffer, data.byteOffset);
    const key = dv.getBigUint64(0), serviceKey = dv.getBigUint64(8);
    const mine = this.#keys.get(nexus);
    if (action === 0 || action === 6) { // REGISTER, REGISTER AND IGNORE EXISTING KEY
      if (action === 0 && (mine ?? 0n) !== key) return CONFLICT;
      if (serviceKey !== 0n) this.#keys.set(nexus, serviceKey);
      else if (mine !== undefined) this.#unregister(nexus);
      else return undefined;
      this.generation++;
      return undefined;
    }
    if (action > 3) return illegal(INVALID_FIELD_IN_CDB);
    if (mine === undefined || mine !== key) return CONFLICT;
    if (action === 3) { // CLEAR
      this.#keys.clear();
      this.#holder = undefined;
      this.generation++;
      return undefined;
    }
    if (scope !== 0 || !TYPES.has(type)) return illegal(INVALID_FIELD_IN_CDB);
    const h = this.#holder;
    const holds = h && (h.nexus === nexus || ALL_REGISTRANTS.has(h.type));
    if (action === 1) { // RESERVE
      if (!h) this.#holder = { nexus, type };
      else if (!holds || h.type !== type) return CONFLICT;
      return undefined;
    }
    // RELEASE: of a reservation this nexus does not hold, nothing; of another type, refused.
    if (!h || !holds) return undefined;
    if (h.type !== type) return illegal(0x26, 0x04);
    this.#holder = undefined;
    return undefined;
  }

  // A holder that leaves takes its reservation along, an all-registrants one with the last registrant.
  #unregister(nexus: string) {
    this.#keys.delete(nexus);
    const h = this.#holder;
    if (!h) return;
    if (ALL_REGISTRANTS.has(h.type) ? this.#keys.size === 0 : h.nexus === nexus) this.#holder = undefined;
  }
}
