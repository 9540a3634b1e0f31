// PERSISTENT RESERVE IN and OUT (SPC-4 §6.15, §6.16): the CDBs, the 24-byte parameter list, the
// reservation types by name, and what READ KEYS and READ RESERVATION return.
import { CODE } from '../codes.ts';
import { type Command, put, reading } from './cdb.ts';

/** Who may read and write while the reservation holds: "exclusive-access" keeps everyone else out,
 *  "write-exclusive" lets them read; "-registrants-only" and "-all-registrants" let every
 *  registered initiator in as well. */
export type ReservationType =
  | 'write-exclusive'
  | 'exclusive-access'
  | 'write-exclusive-registrants-only'
  | 'exclusive-access-registrants-only'
  | 'write-exclusive-all-registrants'
  | 'exclusive-access-all-registrants';
export const RESERVATION_TYPES: Record<ReservationType, number> = {
  'write-exclusive': 1,
  'exclusive-access': 3,
  'write-exclusive-registrants-only': 5,
  'exclusive-access-registrants-only': 6,
  'write-exclusive-all-registrants': 7,
  'exclusive-access-all-registrants': 8,
};
export interface RegisteredKeys {
  /** PRgeneration: counts every change of the registrations. */
  generation: number;
  keys: bigint[];
}
export interface ReservationStatus {
  generation: number;
  /** Absent when the unit is not reserved. A type the standard has no name for shows its code. */
  reservation?: { key: bigint; type: ReservationType | `type 0x${string}` };
}

export const IN_READ_KEYS = 0, IN_READ_RESERVATION = 1;
export const OUT_REGISTER = 0, OUT_RESERVE = 1, OUT_RELEASE = 2, OUT_CLEAR = 3, OUT_REGISTER_IGNORE = 6;

export function reserveIn(serviceAction: number, alloc: number): Command {
  const c = new Uint8Array(10);
  [c[0], c[1]] = [0x5e, serviceAction];
  put(c, 7, alloc, 2);
  return reading(c, alloc);
}

/** PERSISTENT RESERVE OUT with its parameter list: our `key`, the `serviceKey` the action takes
 *  (REGISTER's new key), `type` for RESERVE and RELEASE (scope: the logical unit). */
export function reserveOut(
  serviceAction: number,
  key: bigint,
  serviceKey: bigint,
  type = 0,
  aptpl = false,
): { cmd: Command; data: Uint8Array } {
  const data = new Uint8Array(24);
  const dv = new DataView(data.buffer);
  dv.setBigUint64(0, key);
  dv.setBigUint64(8, serviceKey);
  data[20] = aptpl ? 1 : 0;
  const c = new Uint8Array(10);
  [c[0], c[1], c[2]] = [0x5f, serviceAction, type];
  put(c, 5, data.length, 4);
  return { cmd: { cdb: c, dir: CODE.DIR_WRITE, edtl: data.length }, data };
}

// READ KEYS and READ RESERVATION begin with PRgeneration and ADDITIONAL LENGTH.
const u32 = (
  b: Uint8Array,
  at: number,
) => (b.length >= at + 4 ? new DataView(b.buffer, b.byteOffset).getUint32(at) : 0);
/** Bytes the whole answer has, as its ADDITIONAL LENGTH says: more than came means ask again. */
export const answerLength = (b: Uint8Array): number => 8 + u32(b, 4);

export function registeredKeys(b: Uint8Array): RegisteredKeys {
  const end = Math.min(b.length, answerLength(b));
  const dv = new DataView(b.buffer, b.byteOffset);
  const keys: bigint[] = [];
  for (let at = 8; at + 8 <= end; at += 8) keys.push(dv.getBigUint64(at));
  return { generation: u32(b, 0), keys };
}

const TYPE_NAMES = Object.fromEntries(Object.entries(RESERVATION_TYPES).map(([k, v]) => [v, k as ReservationType]));
export function reservationStatus(b: Uint8Array): ReservationStatus {
  const generation = u32(b, 0);
  if (u32(b, 4) < 16 || b.length < 22) return { generation };
  const code = b[21] & 0x0f;
  return {
    generation,
    reservation: {
      key: new DataView(b.buffer, b.byteOffset).getBigUint64(8),
      type: TYPE_NAMES[code] ?? `type 0x${code.toString(16).padStart(2, '0')}`,
    },
  };
}
