// SCSI sense data (SPC-4 §4.5) decoded into names: fixed (0x70/0x71) and descriptor
// (0x72/0x73) formats. Presentation only: the core already decided what the command's end
// means; this turns the target's bytes into words a person can read.
export interface Sense {
  senseKey: number;
  asc: number;
  ascq: number;
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
  0x2000: 'INVALID COMMAND OPERATION CODE',
  0x2100: 'LOGICAL BLOCK ADDRESS OUT OF RANGE',
  0x2400: 'INVALID FIELD IN CDB',
  0x2500: 'LOGICAL UNIT NOT SUPPORTED',
  0x2600: 'INVALID FIELD IN PARAMETER LIST',
  0x2700: 'WRITE PROTECTED',
  0x2800: 'NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED',
  0x2900: 'POWER ON, RESET, OR BUS DEVICE RESET OCCURRED',
  0x2901: 'POWER ON OCCURRED',
  0x2902: 'SCSI BUS RESET OCCURRED',
  0x2903: 'BUS DEVICE RESET FUNCTION OCCURRED',
  0x2a01: 'MODE PARAMETERS CHANGED',
  0x2a09: 'CAPACITY DATA HAS CHANGED',
  0x3a00: 'MEDIUM NOT PRESENT',
  0x3f0e: 'REPORTED LUNS DATA HAS CHANGED',
  0x4700: 'SCSI PARITY ERROR',
  0x4b00: 'DATA PHASE ERROR',
  0x5300: 'MEDIA LOAD OR EJECT FAILED',
};

export const senseKeyName = (key: number): string => KEYS[key & 0x0f];
export const ascName = (asc: number, ascq: number): string | undefined => ASC[(asc << 8) | ascq];

/** Decodes sense data; undefined when it is too short or of an unknown format. */
export function decodeSense(b: Uint8Array): Sense | undefined {
  if (b.length < 2) return undefined;
  const code = b[0] & 0x7f;
  let key: number, asc = 0, ascq = 0;
  if (code === 0x70 || code === 0x71) {
    if (b.length < 3) return undefined;
    key = b[2] & 0x0f;
    if (b.length >= 14) [asc, ascq] = [b[12], b[13]];
  } else if (code === 0x72 || code === 0x73) {
    if (b.length < 4) return undefined;
    [key, asc, ascq] = [b[1] & 0x0f, b[2], b[3]];
  } else return undefined;
  const pair = ascName(asc, ascq);
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return {
    senseKey: key,
    asc,
    ascq,
    text: `${senseKeyName(key)}: ${pair ?? `ASC 0x${hex(asc)} ASCQ 0x${hex(ascq)}`}`,
  };
}
