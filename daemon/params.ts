// The shapes of each method's parameters: a value of the wrong type is an invalid-params error
// at once, as a TypeError is in process; a right type with an unusable value goes on to the
// adapter, which ends the handle E_INVALIDARG as it does in process.
import { RPC_ERROR, type WireAuth } from '../hosts/remote/protocol.ts';
import { RpcError } from './rpc-error.ts';

export type Params = Record<string, unknown>;
const bad = (m: string) => new RpcError(RPC_ERROR.invalidParams, m);

export function str(p: Params, key: string): string {
  if (typeof p[key] !== 'string') throw bad(`${key} must be a string`);
  return p[key] as string;
}
export function optStr(p: Params, key: string): string | undefined {
  return p[key] === undefined ? undefined : str(p, key);
}
export function optMs(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
    throw bad(`${key} must be a whole number of milliseconds, 0 to 2^31-1`);
  }
  return v;
}
export function optObject(p: Params, key: string): Params | undefined {
  const v = p[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${key} must be an object`);
  return v as Params;
}

const REF_KEYS = ['secretFile', 'secretEnv', 'targetSecretFile', 'targetSecretEnv'];
/** An auth object: a known method, string fields; `inline` false refuses secrets given as themselves. */
export function wireAuth(p: Params, inline: boolean): WireAuth | undefined {
  const a = optObject(p, 'auth');
  if (!a) return undefined;
  if (a.method === 'none') return { method: 'none' };
  if (a.method !== 'chap' && a.method !== 'mutual-chap') {
    throw bad("auth.method must be 'none', 'chap' or 'mutual-chap'");
  }
  for (const k of ['user', 'targetUser', 'secret', 'targetSecret', ...REF_KEYS]) {
    if (a[k] !== undefined && typeof a[k] !== 'string') throw bad(`auth.${k} must be a string`);
  }
  if (
    a.algorithms !== undefined && !(Array.isArray(a.algorithms) && a.algorithms.every((x) => typeof x === 'string'))
  ) {
    throw bad('auth.algorithms must be an array of strings');
  }
  if (!inline && (a.secret !== undefined || a.targetSecret !== undefined)) {
    throw bad('node records keep secrets by reference only: secretFile or secretEnv');
  }
  return a as unknown as WireAuth;
}
