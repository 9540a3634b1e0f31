// What every runtime entry exports besides createAdapter.
export { HR, CODE, hrName, hrHex, SUCCEEDED, FAILED, REASON_NAMES, LOGIN_RESULT_NAMES } from './codes.ts';
export { AsyncOperation, IscsiError, type WaitResult } from './async-operation.ts';
export { Adapter, type AdapterOptions, type Auth, type LoginRequest, type LoginOutput, type LogoutOutput,
  type LogoutOptions, type SessionOutcome, type DiscoverOutput, type AdapterEvent } from './adapter.ts';
export type { Host, Conn, ConnHandlers, Runtime } from './types.ts';
