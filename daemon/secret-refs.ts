// Secrets named by reference (docs/daemon.md, "Secrets"): a file or an environment variable the
// daemon reads with its own rights. A secret file must be this user's and unreadable to others,
// so that a client (a member of --group) cannot have the daemon send some other file's contents.
import { readFileSync, statSync } from 'node:fs';
import type { Auth } from '../hosts/node/mod.ts';
import { RPC_ERROR, type WireAuth } from '../hosts/remote/protocol.ts';
import { RpcError } from './rpc-error.ts';

const fail = (m: string) => new RpcError(RPC_ERROR.secret, m);

function fromFile(path: string, uid: number): string {
  if (!path.startsWith('/')) throw fail(`secret file ${path}: the path must be absolute`);
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw fail(`secret file ${path}: ${(e as { code?: string }).code ?? 'unreadable'}`);
  }
  if (st.uid !== uid) throw fail(`secret file ${path} belongs to uid ${st.uid}, not to the daemon's user`);
  if (st.mode & 0o077) throw fail(`secret file ${path} is readable by others (mode ${(st.mode & 0o777).toString(8)})`);
  return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
}
function fromEnv(name: string, env: Record<string, string | undefined>): string {
  const v = env[name];
  if (!v) throw fail(`secret variable ${name} is not set in the daemon's environment`);
  return v;
}

/** The Auth the adapter takes: each secret given as itself, by file or by variable. */
export function resolveAuth(a: WireAuth, env: Record<string, string | undefined>, uid: number): Auth {
  if (a.method === 'none') return a;
  const one = (value: unknown, file: unknown, name: unknown): string | undefined =>
    typeof value === 'string'
      ? value
      : typeof file === 'string'
      ? fromFile(file, uid)
      : typeof name === 'string'
      ? fromEnv(name, env)
      : undefined;
  const secret = one(a.secret, a.secretFile, a.secretEnv);
  const targetSecret = one(
    (a as { targetSecret?: unknown }).targetSecret,
    a.targetSecretFile,
    a.targetSecretEnv,
  );
  const { secretFile: _f, secretEnv: _e, targetSecretFile: _tf, targetSecretEnv: _te, ...rest } = a;
  return { ...rest, secret, ...(targetSecret !== undefined ? { targetSecret } : {}) } as Auth;
}
