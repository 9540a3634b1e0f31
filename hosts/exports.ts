// What every runtime entry exports besides createAdapter (public types in api.ts).
export { CODE, FAILED, HR, hrHex, hrName, LOGIN_RESULT_NAMES, REASON_NAMES, SUCCEEDED } from './codes.ts';
export { AsyncOperation, IscsiError, type WaitResult } from './async-operation.ts';
export { Adapter } from './adapter.ts';
export type {
  AdapterEvent,
  AdapterOptions,
  Auth,
  ChapAlgorithm,
  DigestOption,
  DiscoveredTarget,
  DiscoverOutput,
  InflightPolicy,
  LoginOutput,
  LoginRequest,
  LogoutOptions,
  LogoutOutput,
  SessionInfo,
  SessionOutcome,
  SessionState,
} from './api.ts';
export type { EventType, LoginResult, SessionReason, TaskEnd } from './codes.ts';
export type { Conn, ConnectOptions, ConnectSignal, ConnHandlers, Host, Runtime } from './types.ts';
export { type Capacity, type CommandOptions, type Inquiry, type RawResult, Session } from './session.ts';
export { type CommandEndReason, NotSupportedError, ReservationConflictError, ScsiError } from './scsi/errors.ts';
export type { CompareAndWriteResult, UnmapRange } from './unit-commands.ts';
export type {
  BlockDeviceCharacteristics,
  BlockLimits,
  Designator,
  LogicalBlockProvisioning,
  VpdPage,
  VpdPageCode,
} from './scsi/vpd.ts';
export type { RegisteredKeys, ReservationStatus, ReservationType } from './scsi/reservations.ts';
export { decodeSense, type Sense } from './scsi/sense.ts';
export { type Copy, type CopyEnd, CopyError, type CopyOptions, type CopyResult } from './bulk/copy.ts';
export type { CopyProgress } from './bulk/progress.ts';
export type { LunEnd } from './bulk/lun-extent.ts';
export type { RangeOptions } from './bulk/plan.ts';
export type { Chunk } from './bulk/blocks.ts';
export { DaemonClient, type DaemonHello } from './remote/daemon-client.ts';
export { RemoteOperation } from './remote/remote-operation.ts';
export { DaemonError, DaemonUnreachableError } from './remote/errors.ts';
export { MAX_MESSAGE_BYTES, PROTOCOL_VERSION, RPC_ERROR } from './remote/protocol.ts';
export type { NodeRecord, SessionRow, Startup, WireAuth, WireLoginRequest } from './remote/protocol.ts';
