// Ending SCSI tasks for their callers (docs/io.md): every command ends exactly once, with one
// ACT_TASK_DONE. A task ended while the target may still speak of it stays ABORTING (its
// later PDUs are dropped) until the target's last word or the session's end frees it.
import { ACT_TASK_DONE, ACT_CANCEL, TIMER_TASK, T_COMPLETED, T_ABORTED_BY_LOGOUT } from "./codes";
import { act } from "./actions";
import { Task, Session, taskCap, task, sess, markDirty, NONE, TS_QUEUED, TS_ABORTING, LS_NONE, LS_DRAINING, LS_PENDING } from "./records";

// The caller's end of a task: reported once; the record is freed now, or kept ABORTING while
// the target still owes an answer (keep).
export function taskEnd(t: Task, reason: u32, status: u32, response: u32, flags: u32, residual: u32, senseAt: u32, senseLen: u32, keep: bool): void {
  if (t.state == TS_ABORTING) { if (!keep) t.state = 0; return; }   // already ended for its caller
  const s = sess(t.sess);
  act(ACT_CANCEL, (TIMER_TASK << 16) | <u32>t.index);
  act(ACT_TASK_DONE, <u32>t.index, reason, status, response, flags, residual, senseAt, senseLen);
  t.state = keep ? TS_ABORTING : 0;
  if (s.tasks) s.tasks--;
  if (s.lstate != LS_NONE) {
    if (reason == T_ABORTED_BY_LOGOUT) s.aborted++;
    else if (reason == T_COMPLETED) s.drained++;
  }
  // A session draining before its Logout: its last command ended, so its Logout may go now.
  if (s.lstate == LS_DRAINING && s.tasks == 0) {
    s.lstate = LS_PENDING;
    if (s.op != NONE) markDirty(<i32>s.op);
  }
}

// Every task of session s still live for its caller ends with `reason`; sent ones stay ABORTING
// when the session goes on (keepSent), else every record of the session is freed.
export function sessionTasksEnd(s: Session, reason: u32, keepSent: bool): void {
  for (let i = 0; i < taskCap(); i++) {
    const t = task(i);
    if (t.state == 0 || t.sess != s.index) continue;
    taskEnd(t, reason, 0, 0, 0, 0, 0, 0, keepSent && t.state != TS_QUEUED);
  }
}
