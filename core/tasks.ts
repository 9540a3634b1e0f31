// Ending SCSI tasks for their callers (docs/io.md): every command ends exactly once, with one
// ACT_TASK_DONE. A task ended while the target may still speak of it stays ABORTING (its
// later PDUs are dropped) until the target's last word, task management escalation or the
// session's end frees it.
import { ACT_TASK_DONE, T_COMPLETED, T_ABORTED_BY_LOGOUT } from "./codes";
import { act } from "./actions";
import { Task, Session, taskCap, tasksUsed, task, taskFree, taskRef, TMF_NONE, TF_CHAIN, sess, markDirty,
  markSessionsDirty, NONE, setLogoutState, setTaskStage, TS_QUEUED, TS_ABORTING, LS_NONE, LS_DRAINING,
  LS_PENDING } from "./records";
import { cancelTask } from "./timers";

// The caller's end of a task: reported once, with how the target answered when it did. The
// record is freed now, or kept ABORTING while the target still owes an answer (keep).
function finish(t: Task, reason: u32, status: u32, response: u32, flags: u32, residual: u32, senseAt: u32,
    senseLen: u32, keep: bool): void {
  if (t.stage == TS_ABORTING) {                        // already ended for its caller
    if (!keep) { if (t.tmf != TMF_NONE) cancelTask(t); taskFree(t); }
    return;
  }
  const s = sess(t.sess);
  cancelTask(t);
  act(ACT_TASK_DONE, taskRef(t), reason, status, response, flags, residual, senseAt, senseLen);
  const chain = (t.flags & TF_CHAIN) != 0;
  if (keep) setTaskStage(t, TS_ABORTING); else taskFree(t);
  if (s.tasks) s.tasks--;
  if (chain && s.chained) s.chained--;
  // A lookup is not a command of the caller's: the command that waited for it is counted.
  if (s.lstate != LS_NONE && !chain) {
    if (reason == T_ABORTED_BY_LOGOUT) s.aborted++;
    else if (reason == T_COMPLETED) s.drained++;
  }
  drainCheck(s);
}

// A session draining before its Logout: when its last command ended and no caller's command
// still waits for its lookup, its Logout may go now.
export function drainCheck(s: Session): void {
  if (s.lstate != LS_DRAINING || s.tasks != 0 || s.holds != 0) return;
  setLogoutState(s, LS_PENDING);
  if (s.op != NONE) markDirty(<i32>s.op);
  else markSessionsDirty();
}

// The target answered: status, iSCSI response, residual flags and count, sense in TX.
export function taskAnswered(t: Task, status: u32, response: u32, flags: u32, residual: u32, senseAt: u32,
    senseLen: u32): void {
  finish(t, T_COMPLETED, status, response, flags, residual, senseAt, senseLen, false);
}
// Ended without an answer (reason T_*; detail goes in the response field). keep: the target may
// still speak of it, so the record stays ABORTING.
export function taskEnd(t: Task, reason: u32, detail: u32, keep: bool): void {
  finish(t, reason, 0, detail, 0, 0, 0, 0, keep);
}

// The target's last word on a task ended for its caller: the record goes back to the pool.
export function taskRelease(t: Task): void {
  if (t.stage != TS_ABORTING) return;
  if (t.tmf != TMF_NONE) cancelTask(t);
  taskFree(t);
}

// Every task of session s still live for its caller ends with `reason`; sent ones stay ABORTING
// when the session goes on (keepSent), else every record of the session is freed.
export function sessionTasksEnd(s: Session, reason: u32, keepSent: bool): void {
  // Only as far as the records it holds: every logout and session end comes here, and a scan of
  // the whole pool for a session with no command showed in login/logout profiles.
  let left = s.held;
  for (let i = 0; i < tasksUsed() && left > 0; i++) {
    const t = task(i);
    if (t.stage == 0 || t.sess != s.index) continue;
    left--;
    taskEnd(t, reason, 0, keepSent && t.stage != TS_QUEUED);
  }
}
