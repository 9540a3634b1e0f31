// What every runtime entry exports besides createAdapter.
export { CODE, FAILED, HR, hrHex, hrName, LOGIN_RESULT_NAMES, REASON_NAMES, SUCCEEDED } from './codes.ts';
export { AsyncOperation, IscsiError, type WaitResult } from './async-operation.ts';
export {
  Adapter,
  type AdapterEvent,
  type AdapterOptions,
  type Auth,
  type DiscoverOutput,
  type LoginOutput,
  type LoginRequest,
  type LogoutOptions,
  type LogoutOutput,
  type SessionOutcome,
} from './adapter.ts';
export type { Conn, ConnHandlers, Host, Runtime } from './types.ts';
