// SCSI sense data (SPC-4 §4.5) decoded into names: fixed (0x70/0x71) and descriptor
// (0x72/0x73) formats. Presentation only: the core already decided what the command's end
// means; this turns the target's bytes into words a person can read.
export interface Sense {
  senseKey: number;
  asc: number;
  ascq: number;
  /** The INFORMATION field when the target marked it valid: for a failed read or write, the
   *  first LBA in error (fixed format bytes 3..6, or the descriptor format's Information descriptor). */
  information?: bigint;
  /** The sense key's name and, when known, the ASC/ASCQ's. */
  text: string;
}

const KEYS = [
  'NO SENSE',
  'RECOVERED ERROR',
  'NOT READY',
  'MEDIUM ERROR',
  'HARDWARE ERROR',
  'ILLEGAL REQUEST',
  'UNIT ATTENTION',
  'DATA PROTECT',
  'BLANK CHECK',
  'VENDOR SPECIFIC',
  'COPY ABORTED',
  'ABORTED COMMAND',
  'RESERVED',
  'VOLUME OVERFLOW',
  'MISCOMPARE',
  'COMPLETED',
];

// The ASC/ASCQ pairs people meet (SPC-4 Annex D), keyed asc << 8 | ascq.
const ASC: Record<number, string> = {
  0x0000: 'NO ADDITIONAL SENSE INFORMATION',
  0x0401: 'LOGICAL UNIT IS IN PROCESS OF BECOMING READY',
  0x0402: 'LOGICAL UNIT NOT READY, INITIALIZING COMMAND REQUIRED',
  0x0403: 'LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED',
  0x0404: 'LOGICAL UNIT NOT READY, FORMAT IN PROGRESS',
  0x0c00: 'WRITE ERROR',
  0x1100: 'UNRECOVERED READ ERROR',
  0x1a00: 'PARAMETER LIST LENGTH ERROR',
  0x1d00: 'MISCOMPARE DURING VERIFY OPERATION',
  0x2000: 'INVALID COMMAND OPERATION CODE',
  0x2100: 'LOGICAL BLOCK ADDRESS OUT OF RANGE',
  0x2400: 'INVALID FIELD IN CDB',
  0x2500: 'LOGICAL UNIT NOT SUPPORTED',
  0x2600: 'INVALID FIELD IN PARAMETER LIST',
  0x2604: 'INVALID RELEASE OF PERSISTENT RESERVATION',
  0x2700: 'WRITE PROTECTED',
  0x2800: 'NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED',
  0x2900: 'POWER ON, RESET, OR BUS DEVICE RESET OCCURRED',
  0x2901: 'POWER ON OCCURRED',
  0x2902: 'SCSI BUS RESET OCCURRED',
  0x2903: 'BUS DEVICE RESET FUNCTION OCCURRED',
  0x2a01: 'MODE PARAMETERS CHANGED',
  0x2a03: 'RESERVATIONS PREEMPTED',
  0x2a04: 'RESERVATIONS RELEASED',
  0x2a05: 'REGISTRATIONS PREEMPTED',
  0x2a09: 'CAPACITY DATA HAS CHANGED',
  0x3a00: 'MEDIUM NOT PRESENT',
  0x3f0e: 'REPORTED LUNS DATA HAS CHANGED',
  0x4700: 'SCSI PARITY ERROR',
  0x4b00: 'DATA PHASE ERROR',
  0x5300: 'MEDIA LOAD OR EJECT FAILED',
};

export const senseKeyName = (key: number): string => KEYS[key & 0x0f];
export const ascName = (asc: number, ascq: number): string | undefined => ASC[(asc << 8) | ascq];

/** Decodes sense data; undefined when it is of an unknown format or too short to hold a sense
 *  key. Only the bytes the ADDITIONAL SENSE LENGTH (byte 7) covers are read, and never more than
 *  `b` holds: what lies outside is absent (ASC and ASCQ 0, the text names the sense key alone). */
export function decodeSense(b: Uint8Array): Sense | undefined {
  const code = b[0] & 0x7f;
  const fixed = code === 0x70 || code === 0x71;
  if (!fixed && code !== 0x72 && code !== 0x73) return undefined;
  // Both formats put the additional sense length at byte 7; without it only the bytes there are.
  const end = b.length >= 8 ? Math.min(b.length, 8 + b[7]) : b.length;
  const at = fixed ? { key: 2, asc: 12, ascq: 13 } : { key: 1, asc: 2, ascq: 3 };
  if (end <= at.key) return undefined;
  const key = b[at.key] & 0x0f;
  const hasAsc = end > at.asc;
  const asc = hasAsc ? b[at.asc] : 0, ascq = end > at.ascq ? b[at.ascq] : 0;
  const information = fixed ? fixedInformation(b, end) : descriptorInformation(b, end);
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  const detail = hasAsc ? `: ${ascName(asc, ascq) ?? `ASC 0x${hex(asc)} ASCQ 0x${hex(ascq)}`}` : '';
  return {
    senseKey: key,
    asc,
    ascq,
    ...(information === undefined ? {} : { information }),
    text: `${senseKeyName(key)}${detail}`,
  };
}

// Fixed format: bytes 3..6, meaningful only with the VALID bit (byte 0, bit 7).
function fixedInformation(b: Uint8Array, end: number): bigint | undefined {
  if (!(b[0] & 0x80) || end < 7) return undefined;
  return BigInt(new DataView(b.buffer, b.byteOffset).getUint32(3));
}
// Descriptor format: the Information descriptor (type 0x00, 12 bytes, VALID in its byte 2).
// Each descriptor says its own length; one that runs past `end` ends the walk unread.
function descriptorInformation(b: Uint8Array, end: number): bigint | undefined {
  for (let d = 8; d + 2 <= end;) {
    const next = d + 2 + b[d + 1];
    if (next > end) return undefined;
    if (b[d] === 0x00 && b[d + 1] >= 0x0a && b[d + 2] & 0x80) {
      return new DataView(b.buffer, b.byteOffset).getBigUint64(d + 4);
    }
    d = next;
  }
  return undefined;
}
