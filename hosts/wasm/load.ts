import { CORE_WASM_BASE64 } from './core-wasm.ts';
import { CODE } from '../codes.generated.ts';

/** The numeric surface of core/index.ts. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  rxPtr(): number;
  rxCap(): number;
  txPtr(): number;
  txCap(): number;
  ioPtr(): number;
  ioCap(): number;
  actPtr(): number;
  actCap(): number;
  actWords(): number;
  fieldsPtr(): number;
  fieldsCap(): number;
  transitionRows(): number;
  transitionRow(i: number, field: number): number;
  transitionLogPtr(): number;
  transitionLogCap(): number;
  transitionLogCount(): number;
  crc(len: number): number;
  crcBlocks(len: number, block: number): number;
  decode(): number;
  encode(): number;
  rawOpen(flags: number, limit: number): number;
  rawFeed(c: number, len: number): number;
  rawChecksum(c: number): number;
  rawCount(c: number): number;
  rawPending(c: number): number;
  rawClose(c: number): void;
  reservedIgnored(): number;
  dataSegmentsCut(): number;
  targetNew(): number;
  targetSessions(t: number): number;
  sessionState(s: number): number;
  sessionTsih(s: number): number;
  sessionConnState(s: number): number;
  sessionParam(s: number, k: number): number;
  connState(c: number): number;
  connSession(c: number): number;
  login(target: number, auth: number, flags: number, connectMs: number, loginMs: number, ioLen: number): number;
  logout(
    target: number,
    logoutMs: number,
    concurrency: number,
    deadlineMs: number,
    graceMs: number,
    policy: number,
    drainMs: number,
  ): number;
  command(
    s: number,
    kind: number,
    lun: number,
    lbaHi: number,
    lbaLo: number,
    count: number,
    size: number,
    extra: number,
    timeoutMs: number,
  ): number;
  abortTask(ref: number): number;
  more(): number;
  sessionTasks(s: number): number;
  payloadPtr(): number;
  payloadCap(): number;
  payloadDigest(len: number): number;
  cancel(op: number): number;
  status(op: number): number;
  percent(op: number): number;
  total(op: number): number;
  actions(): number;
  up(c: number): number;
  data(c: number, len: number): number;
  consumed(): number;
  lost(c: number, connectFailed: number): number;
  timer(id: number): number;
  chapAnswer(c: number, len: number): number;
  chapExpected(c: number, len: number): number;
  init(sessions: number, tasks: number, perSession: number): number;
  maxSessions(): number;
  maxTasks(): number;
}

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let module: WebAssembly.Module | undefined;

/** One compile per process (lazily, as undici does with llhttp). */
export function coreModule(): WebAssembly.Module {
  module ??= new WebAssembly.Module(decodeBase64(CORE_WASM_BASE64) as BufferSource);
  return module;
}
/** One instance per caller, its tables sized for `sessions` sessions and `tasks` commands in
 *  flight, `perSession` of them on one session at most (0: half); the module needs no imports
 *  at all. Its memory grows here, once. */
export function instantiateCore(
  sessions: number = CODE.DEFAULT_SESSIONS,
  tasks: number = CODE.DEFAULT_TASKS,
  perSession = 0,
): CoreExports {
  const core = new WebAssembly.Instance(coreModule(), {}).exports as unknown as CoreExports;
  if (core.init(sessions, tasks, perSession) !== 0) {
    throw new RangeError(
      `cannot size the core for ${sessions} sessions and ${tasks} commands, ${
        perSession || 'half'
      } per session (at most ${CODE.MAX_SESSIONS_LIMIT} and ${CODE.MAX_TASKS}, per session at most the commands)`,
    );
  }
  return core;
}
