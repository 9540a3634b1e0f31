import { HR, type HRName } from './codes.generated.ts';
export {
  CODE,
  CONNECTION_STATE_NAMES,
  EVENT_NAMES,
  FRAMING_ERROR_NAMES,
  HR,
  KEY_NAMES,
  LOGIN_RESULT_NAMES,
  OPERATION_TYPE_NAMES,
  readAction,
  REASON_NAMES,
  TASK_END_NAMES,
} from './codes.generated.ts';
export type {
  Action,
  ActionKind,
  ConnectionState,
  CoreExports,
  EventType,
  FramingError,
  LoginResult,
  SessionReason,
  TaskEnd,
} from './codes.generated.ts';
export type { HRName };

const NAMES = new Map<number, HRName>(Object.entries(HR).map(([k, v]) => [v >>> 0, k as HRName]));

/** The Windows name of an HRESULT, or its hex form when it is not one of ours. */
export function hrName(hr: number): string {
  return NAMES.get(hr >>> 0) ?? hrHex(hr);
}
export const hrHex = (hr: number): string => '0x' + (hr >>> 0).toString(16).toUpperCase().padStart(8, '0');
export const SUCCEEDED = (hr: number): boolean => (hr >>> 0) < 0x80000000;
export const FAILED = (hr: number): boolean => !SUCCEEDED(hr);
