// One SCSI command between its call and its end, as one object: it is the sink the engine hands
// the command's data and end to, the listener on the caller's AbortSignal (handleEvent), and it
// settles the caller's promise. A command used to carry four closures of its own; on the path
// every read and write takes, one object with methods is less to make and collect.
import type { Engine, TaskSink } from './engine.ts';
import { type Action, CODE, TASK_END_NAMES } from './codes.ts';
import { withCause } from './async-operation.ts';
import { type CommandEndReason, commandError } from './scsi/errors.ts';

/** How the target answered a command. */
export interface Ended {
  status: number;
  residual: number;
  flags: number;
  sense: Uint8Array;
}

export class PendingCommand implements TaskSink {
  readonly promise: Promise<Ended>;
  #resolve!: (e: Ended) => void;
  #reject!: (e: Error) => void;
  #ended = false;
  #task = -1;

  constructor(readonly buffer: Uint8Array, private engine: Engine, readonly signal: AbortSignal | undefined) {
    this.promise = new Promise<Ended>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** The core's answer to startTask: the task's reference, or why it did not start. `waited`:
   *  the command first waited for a place, so a session gone now was lost meanwhile. */
  started(code: number, waited = false): void {
    this.#task = code;
    const e = startError(code, waited);
    if (e) this.#reject(e);
    // A command the core ended inside startTask (refused, logging out) gets no listener.
    else if (!this.#ended) this.signal?.addEventListener('abort', this, { once: true });
  }

  /** The caller's signal aborted: the core aborts the task (ABORT TASK once it is on the wire). */
  handleEvent(): void {
    this.engine.abortTask(this.#task);
  }

  done(a: Extract<Action, { kind: 'task-done' }>): void {
    this.#ended = true;
    this.signal?.removeEventListener('abort', this);
    if (a.reason === CODE.T_COMPLETED) {
      this.#resolve({ status: a.status, residual: a.residual, flags: a.flags, sense: a.bytes });
      return;
    }
    const err = commandError(TASK_END_NAMES[a.reason] as CommandEndReason, a.response);
    this.#reject(a.reason === CODE.T_ABORTED ? withCause(err, this.signal?.reason) : err);
  }

  /** It ends before it was ever sent (it waited for a place and left). */
  fail(e: Error): void {
    this.#reject(e);
  }
}

// Why the core did not start a command, or nothing when it did (it may have ended it at once).
// A session that is not logged in had ended before the call (`not-logged-in`), unless the command
// waited for a place while it was (`session-lost`, as for every command waiting then: docs/io.md).
function startError(code: number, waited: boolean): Error | undefined {
  if (code >= 0) return undefined;
  if (code === CODE.ERR_BAD_FIELD) return new RangeError("the command's arguments are out of range");
  if (code === CODE.ERR_ABORTED_BY_LOGOUT) return commandError('aborted-by-logout');
  return commandError(waited ? 'session-lost' : 'not-logged-in');
}
