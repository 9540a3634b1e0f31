// Runs fn with the temporary directory on tmpfs (/dev/shm) when there is one, so that a target's
// LUN file started inside it lives in memory: the write figures then measure the iSCSI path, not
// this VM's disk and its neighbours' use of it.
import { existsSync } from 'node:fs';

export async function onTmpfs<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.env.TMPDIR;
  if (existsSync('/dev/shm')) process.env.TMPDIR = '/dev/shm';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}
