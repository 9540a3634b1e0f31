// Readable PDU fixtures (llhttp-style): annotated bytes and the fields they must decode to.
// FIELDS order: op, I, byte1, byte2, byte3, TotalAHSLength, DataSegmentLength, w8, w12, ITT, w20..w44.
export interface Fixture {
  name: string;
  hex: string;
  fields: Partial<Record<FieldName, number>>;
  error?: string;
}
export type FieldName =
  | 'op'
  | 'I'
  | 'b1'
  | 'b2'
  | 'b3'
  | 'ahs'
  | 'dsl'
  | 'w8'
  | 'w12'
  | 'itt'
  | 'w20'
  | 'w24'
  | 'w28'
  | 'w32'
  | 'w36'
  | 'w40'
  | 'w44';
export const FIELD_ORDER: FieldName[] = [
  'op',
  'I',
  'b1',
  'b2',
  'b3',
  'ahs',
  'dsl',
  'w8',
  'w12',
  'itt',
  'w20',
  'w24',
  'w28',
  'w32',
  'w36',
  'w40',
  'w44',
];

export const FIXTURES: Fixture[] = [
  {
    name: 'Logout Request, Immediate, close the session',
    hex: `46            # opcode 0x06 | I
          80            # F=1, reason 0 (close the session)
          00 00         # reserved
          00 000000     # TotalAHSLength 0, DataSegmentLength 0
          0000000000000000   # reserved
          00000007      # ITT 7
          0001 0000     # CID 1, reserved
          0000000a      # CmdSN 10 (not advanced: Immediate)
          00000005      # ExpStatSN 5
          00000000000000000000000000000000  # reserved`,
    fields: { op: 6, I: 1, b1: 0x80, itt: 7, w20: 0x00010000, w24: 10, w28: 5 },
  },
  {
    name: 'Logout Response, Response 0, Time2Wait 2, Time2Retain 20',
    hex: `26 80 00 00  00 000000  0000000000000000
          00000007      # ITT 7
          00000000      # reserved
          00000005 0000000b 0000002a   # StatSN 5, ExpCmdSN 11, MaxCmdSN 42
          00000000      # reserved
          0002 0014     # Time2Wait 2, Time2Retain 20
          00000000`,
    fields: { op: 0x26, b1: 0x80, b2: 0, itt: 7, w24: 5, w28: 11, w32: 42, w40: 0x00020014 },
  },
  {
    name: 'Logout Response with a data segment is refused (DataSegmentLength must be 0; it is not a reserved field)',
    hex:
      `26 80 00 00  00 000004  0000000000000000 00000007 00000000 00000005 0000000b 0000002a 00000000 00000000 00000000`,
    fields: { op: 0x26, dsl: 4 },
    error: 'ERR_BAD_FIELD',
  },
  {
    name: 'Logout Response with the F bit clear is refused',
    hex:
      `26 00 00 00  00 000000  0000000000000000 00000007 00000000 00000005 0000000b 0000002a 00000000 00000000 00000000`,
    fields: { op: 0x26, b1: 0 },
    error: 'ERR_BAD_FINAL_BIT',
  },
  {
    name: 'Asynchronous Message, AsyncEvent 1 (target requests logout), Parameter3 = 5 s',
    hex: `32 80 00 00  00 000000  0000000000000000
          ffffffff      # ITT reserved: all ones
          00000000 00000009 0000000b 0000002a
          01 00         # AsyncEvent 1, AsyncVCode 0
          0000 0000 0005  # Parameter1, Parameter2, Parameter3
          00000000`,
    fields: { op: 0x32, b1: 0x80, itt: 0xffffffff, w24: 9, w36: 0x01000000, w40: 5 },
  },
  {
    name: 'Asynchronous Message with an ITT other than all ones is refused',
    hex:
      `32 80 00 00  00 000000  0000000000000000 00000001 00000000 00000009 0000000b 0000002a 01000000 00000005 00000000`,
    fields: { op: 0x32 },
    error: 'ERR_BAD_FIELD',
  },
  {
    name: 'NOP-In ping from the target (TTT set, ITT reserved)',
    hex:
      `20 80 00 00  00 000000  0000000000000000  ffffffff 00001234 00000003 0000000b 0000002a 00000000 00000000 00000000`,
    fields: { op: 0x20, itt: 0xffffffff, w20: 0x1234, w24: 3 },
  },
  {
    name: 'Login Response, T=1 CSG=1 NSG=3, status 0x0201 (authentication failure)',
    hex:
      `23 87 00 00  00 000000  80 1a2b3c 4d5e 0000  00000001 00000000 00000001 00000001 00000001 0201 0000 00000000 00000000`,
    fields: { op: 0x23, b1: 0x87, w8: 0x801a2b3c, w12: 0x4d5e0000, itt: 1, w36: 0x02010000 },
  },
  {
    name: 'Reject, reason 0x0C (waiting for logout)',
    hex:
      `3f 80 0c 00  00 000030  0000000000000000  ffffffff 00000000 00000004 0000000b 0000002a 00000000 00000000 00000000`,
    fields: { op: 0x3f, b2: 0x0c, dsl: 48, itt: 0xffffffff },
  },
  {
    name: 'Unknown opcode 0x1f',
    hex:
      `1f 80 00 00  00 000000  0000000000000000 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000`,
    fields: { op: 0x1f },
    error: 'ERR_UNKNOWN_OPCODE',
  },
  {
    name: 'Logout Request with reserved reason 3',
    hex:
      `46 83 00 00  00 000000  0000000000000000 00000001 00010000 00000001 00000001 00000000 00000000 00000000 00000000`,
    fields: { op: 6, b1: 0x83 },
    error: 'ERR_BAD_FIELD',
  },
];

/** One valid header per opcode, for encode -> decode round trips. */
export const ONE_PER_OPCODE: Record<string, Partial<Record<FieldName, number>>> = {
  'NOP-Out': { op: 0x00, I: 1, b1: 0x80, itt: 0xffffffff, w20: 0x1234, w24: 5, w28: 6 },
  'SCSI Command': {
    op: 0x01,
    b1: 0xc1,
    dsl: 512,
    w8: 0x00010000,
    itt: 9,
    w20: 4096,
    w24: 5,
    w28: 6,
    w32: 0x28000000,
    w36: 1,
    w40: 0x08000000,
  },
  'Task Management Request': { op: 0x02, I: 1, b1: 0x81, itt: 10, w20: 9, w24: 5, w28: 6, w32: 4, w36: 3 },
  'Login Request': {
    op: 0x03,
    I: 1,
    b1: 0x87,
    dsl: 40,
    w8: 0x80010203,
    w12: 0x04050000,
    itt: 1,
    w20: 0x00010000,
    w24: 1,
  },
  'Text Request': { op: 0x04, b1: 0x80, dsl: 16, itt: 2, w20: 0xffffffff, w24: 3, w28: 4 },
  'SCSI Data-Out': { op: 0x05, b1: 0x80, dsl: 8192, itt: 9, w20: 7, w28: 6, w36: 1, w40: 8192 },
  'Logout Request': { op: 0x06, I: 1, b1: 0x80, itt: 11, w20: 0x00010000, w24: 5, w28: 6 },
  SNACK: { op: 0x10, b1: 0x81, itt: 12, w20: 0xffffffff, w28: 6, w40: 3, w44: 2 },
  'NOP-In': { op: 0x20, b1: 0x80, itt: 13, w20: 0xffffffff, w24: 7, w28: 8, w32: 40 },
  'SCSI Response': { op: 0x21, b1: 0x80, b2: 0, b3: 2, dsl: 20, itt: 9, w24: 7, w28: 8, w32: 40, w36: 1 },
  'Task Management Response': { op: 0x22, b1: 0x80, b2: 0, itt: 10, w24: 7, w28: 8, w32: 40 },
  'Login Response': { op: 0x23, b1: 0x87, dsl: 32, w8: 0x80010203, w12: 0x04050002, itt: 1, w24: 1, w28: 1, w32: 1 },
  'Text Response': { op: 0x24, b1: 0x80, dsl: 64, itt: 2, w20: 0xffffffff, w24: 3, w28: 4, w32: 40 },
  'SCSI Data-In': {
    op: 0x25,
    b1: 0x81,
    b3: 0,
    dsl: 8192,
    itt: 9,
    w20: 0xffffffff,
    w24: 7,
    w28: 8,
    w32: 40,
    w36: 0,
    w40: 0,
  },
  'Logout Response': { op: 0x26, b1: 0x80, b2: 0, itt: 11, w24: 7, w28: 8, w32: 40, w40: 0x00020014 },
  R2T: { op: 0x31, b1: 0x80, itt: 9, w20: 5, w24: 7, w28: 8, w32: 40, w36: 0, w40: 0, w44: 8192 },
  'Asynchronous Message': {
    op: 0x32,
    b1: 0x80,
    itt: 0xffffffff,
    w24: 7,
    w28: 8,
    w32: 40,
    w36: 0x03000000,
    w40: 0x00020014,
  },
  Reject: { op: 0x3f, b1: 0x80, b2: 0x04, dsl: 48, itt: 0xffffffff, w24: 7, w28: 8, w32: 40, w36: 0 },
};
