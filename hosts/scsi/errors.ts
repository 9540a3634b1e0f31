// The errors a SCSI command ends with (docs/io.md): the target answered with a status other
// than GOOD (ScsiError), or the transport or our own teardown ended it (IscsiError with a reason).
import { decodeSense } from './sense.ts';
import { IscsiError } from '../async-operation.ts';
import { HR } from '../codes.ts';

const STATUS: Record<number, string> = {
  0x02: 'CHECK CONDITION',
  0x04: 'CONDITION MET',
  0x08: 'BUSY',
  0x18: 'RESERVATION CONFLICT',
  0x28: 'TASK SET FULL',
  0x30: 'ACA ACTIVE',
  0x40: 'TASK ABORTED',
};

export class ScsiError extends Error {
  readonly senseKey?: number;
  readonly asc?: number;
  readonly ascq?: number;
  /** The sense data's INFORMATION field when valid: for a read or write, the first LBA in error. */
  readonly information?: bigint;
  /** `context` comes first in the message when the status alone would not say what went wrong. */
  constructor(readonly status: number, readonly sense: Uint8Array, context?: string) {
    const s = decodeSense(sense);
    const name = STATUS[status] ?? `status 0x${status.toString(16).padStart(2, '0')}`;
    const what = s ? s.text : name;
    super(context ? `${context}: ${what}` : what);
    this.name = 'ScsiError';
    if (s) [this.senseKey, this.asc, this.ascq, this.information] = [s.senseKey, s.asc, s.ascq, s.information];
  }
}

/** Why a command ended without an answer from the target: */
export type CommandEndReason =
  | 'session-lost'
  | 'aborted-by-logout'
  | 'logging-out'
  | 'timeout'
  | 'aborted'
  | 'target-failure';
const EXPLAIN: Record<CommandEndReason, string> = {
  'session-lost': 'the session was lost; a write may or may not have reached the target',
  'aborted-by-logout': 'the logout ended it; a write may or may not have reached the target',
  'logging-out': 'refused: the session is logging out',
  timeout: 'no answer in time; it was aborted (ABORT TASK)',
  aborted: 'aborted by its caller',
  'target-failure': 'the target could not complete it (iSCSI response other than 0)',
};

/** A command the transport or the logout ended: an IscsiError (E_FAIL) whose `reason` says which. */
export const commandError = (reason: CommandEndReason): IscsiError<undefined> =>
  new IscsiError(HR.E_FAIL, undefined, reason, `${reason}: ${EXPLAIN[reason]}`);
