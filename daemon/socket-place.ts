// Where the control socket lives and whether it may be opened there (docs/daemon.md, "The
// socket"): owner-only unless a group is named, never through a symlink, never over someone
// else's file or a live daemon; a stale socket left by a killed daemon is replaced.
import { chmodSync, chownSync, lstatSync, mkdirSync, type Stats, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import net from 'node:net';
import { StartError } from './place-error.ts';

export { defaultSocketPath } from '../hosts/remote/default-socket.ts';

const octal = (m: number) => (m & 0o7777).toString(8).padStart(4, '0');
const lstat = (p: string): Stats | undefined => {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw new StartError(`cannot inspect ${p}: ${(e as Error).message}`);
  }
};

/** Checks (or makes) the socket's directory and clears a stale socket; `gid` opens both to that
 *  group. Resolves what was done, for the log; throws StartError with the reason otherwise. */
export async function prepareSocketPlace(path: string, uid: number, gid?: number): Promise<string[]> {
  const done: string[] = [];
  const dir = dirname(resolve(path));
  const dirMode = gid === undefined ? 0o700 : 0o710;
  let d = lstat(dir);
  if (!d) {
    mkdirSync(dir, { mode: dirMode });
    if (gid !== undefined) chownSync(dir, -1, gid);
    chmodSync(dir, dirMode);
    done.push(`created ${dir} (${octal(dirMode)})`);
    d = lstatSync(dir);
  }
  if (d.isSymbolicLink()) throw new StartError(`${dir} is a symlink: the socket's directory must be a real one`);
  if (!d.isDirectory()) throw new StartError(`${dir} is not a directory`);
  if (d.uid !== uid) throw new StartError(`${dir} belongs to uid ${d.uid}, not to this user (uid ${uid})`);
  const loose = d.mode & (gid === undefined ? 0o077 : 0o027);
  if (loose || (gid !== undefined && d.gid !== gid && d.mode & 0o070)) {
    throw new StartError(
      `${dir} is mode ${octal(d.mode)}: the socket's directory must be ${octal(dirMode)}${
        gid === undefined ? ' (owner only; --group opens it to one group)' : ` with group ${gid}`
      }`,
    );
  }
  const s = lstat(path);
  if (!s) return done;
  if (s.isSymbolicLink()) throw new StartError(`${path} is a symlink; refusing to replace it`);
  if (!s.isSocket()) throw new StartError(`${path} exists and is not a socket; refusing to replace it`);
  if (s.uid !== uid) throw new StartError(`${path} belongs to uid ${s.uid}, not to this user (uid ${uid})`);
  if (await answers(path)) throw new StartError(`a daemon is already listening at ${path}`);
  unlinkSync(path);
  done.push(`replaced the stale socket ${path}`);
  return done;
}

/** Whether something accepts connections at the socket (a live daemon), within 2 s. */
function answers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const c = net.connect({ path });
    const t = setTimeout(() => end(true), 2000); // accepted the connection but silent: still alive
    const end = (v: boolean) => {
      clearTimeout(t);
      c.destroy();
      done(v);
    };
    c.once('connect', () => end(true));
    c.once('error', () => end(false));
  });
}
