// How a command the built-in target ran ends other than GOOD: CHECK CONDITION with this sense
// (fixed format; `information` fills its INFORMATION field, marked valid), or a bare status.
export type Ending = { key: number; asc: number; ascq?: number; information?: number } | { status: number };

export const illegal = (asc: number, ascq = 0): Ending => ({ key: 5, asc, ascq });
export const INVALID_OPCODE = 0x20, LBA_OUT_OF_RANGE = 0x21, INVALID_FIELD_IN_CDB = 0x24;
export const PARAMETER_LIST_LENGTH = 0x1a, INVALID_FIELD_IN_PARAMETERS = 0x26;
