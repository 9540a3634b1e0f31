// The errors a SCSI command ends with (docs/io.md): the target answered with a status other
// than GOOD (ScsiError), or the transport or our own teardown ended it (IscsiError with a reason).
import { decodeSense } from './sense.ts';
import { IscsiError } from '../async-operation.ts';
import { CODE, HR } from '../codes.ts';

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

/** Status RESERVATION CONFLICT (0x18): another initiator (I_T nexus) holds a reservation of the
 *  unit that keeps this command out, or a PERSISTENT RESERVE OUT named a key that is not ours. */
export class ReservationConflictError extends ScsiError {
  constructor(sense: Uint8Array, context?: string) {
    super(0x18, sense);
    this.name = 'ReservationConflictError';
    this.message = `${context ? context + ': ' : ''}RESERVATION CONFLICT: another initiator holds a reservation ` +
      'of this logical unit that keeps the command out, or the reservation key given is not the one ' +
      'registered for this session';
  }
}

/** The target's status other than GOOD as an error: ReservationConflictError for its status, else ScsiError. */
export const scsiError = (status: number, sense: Uint8Array, context?: string): ScsiError =>
  status === 0x18 ? new ReservationConflictError(sense, context) : new ScsiError(status, sense, context);

/** The unit said (in its VPD pages) that it does not do what was asked, so it was not sent. */
export class NotSupportedError extends Error {
  constructor(readonly command: string, why: string) {
    super(`${command}: ${why}; nothing was sent`);
    this.name = 'NotSupportedError';
  }
}

/** Why a command ended without an answer from the target: */
export type CommandEndReason =
  | 'not-logged-in'
  | 'session-lost'
  | 'aborted-by-logout'
  | 'logging-out'
  | 'timeout'
  | 'aborted'
  | 'target-failure'
  | 'protocol-error'
  | 'rejected'
  | 'lun-reset'
  | 'not-replayed';
const EXPLAIN: Record<CommandEndReason, string> = {
  'not-logged-in': 'the session was no longer logged in (it logged out, it was lost, or its adapter closed); ' +
    'nothing was sent',
  'session-lost': 'the session was lost; if it was a write, it may or may not have reached the target',
  'aborted-by-logout': 'the logout ended it; if it was a write, it may or may not have reached the target',
  'logging-out': 'refused: the session is logging out',
  timeout: 'no answer in time; it was aborted (ABORT TASK)',
  aborted: 'aborted by its caller',
  'target-failure': 'the target could not complete it (iSCSI response other than 0)',
  'protocol-error': 'the target broke a rule for this command; it was aborted (ABORT TASK) if still running',
  rejected: 'the target rejected the command (Reject PDU); nothing more comes for it',
  'lun-reset':
    'the LUN was reset to end a command whose abort failed; if it was a write, it may or may not have reached the target',
  'not-replayed': 'the connection failed while it was unanswered and the session recovered; raw commands are sent ' +
    'again only with replay: true, and COMPARE AND WRITE, PERSISTENT RESERVE OUT REGISTER and CLEAR never',
};
// The rule a target broke (ACT_TASK_DONE response with protocol-error, PE_* in core/codes.ts).
const BROKEN: Record<number, string> = {
  [CODE.PE_R2T_BEYOND_BURST]: 'an R2T asked for more than MaxBurstLength',
  [CODE.PE_R2T_OUTSTANDING]: 'an R2T came while the previous one was still being answered',
  [CODE.PE_SHORT_DATA]: 'status GOOD with fewer data bytes than the transfer length less the residual',
};
// Reject reasons, RFC 7143 §11.17.1.
const REJECT: Record<number, string> = {
  0x02: 'data digest error',
  0x03: 'SNACK reject',
  0x04: 'protocol error',
  0x05: 'command not supported',
  0x06: 'immediate command reject',
  0x07: 'task in progress',
  0x08: 'invalid data ack',
  0x09: 'invalid PDU field',
  0x0a: 'long operation reject',
  0x0b: 'negotiation reset',
  0x0c: 'waiting for logout',
};
const hex2 = (n: number) => '0x' + n.toString(16).padStart(2, '0');
function detailText(reason: CommandEndReason, detail: number): string {
  if (reason === 'protocol-error' && BROKEN[detail]) return ` (${BROKEN[detail]})`;
  if (reason === 'rejected') return ` (reason ${hex2(detail)}${REJECT[detail] ? ', ' + REJECT[detail] : ''})`;
  return '';
}

/** A command the transport or the logout ended: an IscsiError (E_FAIL) whose `reason` says which;
 *  `detail` is what the core reported beside it (the rule broken, the Reject reason). */
export const commandError = (reason: CommandEndReason, detail = 0): IscsiError<undefined> =>
  new IscsiError(HR.E_FAIL, undefined, reason, `${reason}: ${EXPLAIN[reason]}${detailText(reason, detail)}`);
