import type { DigestName, Host } from './types.ts';

// CHAP_A values (RFC 7143 §12.1.3 / RFC 7143 + RFC 8245 algorithms) to the host's hash names.
const ALGORITHMS: Record<number, DigestName> = { 5: 'md5', 6: 'sha1', 7: 'sha256', 8: 'sha3-256' };

/** H(identifier || secret || challenge): the only place a secret is touched. The hash is the
 *  host's (the runtime's own where it has one, docs/hosts.md). */
export function chapDigest(
  digest: Host['digest'],
  alg: number,
  id: number,
  secret: string,
  challenge: Uint8Array,
): Uint8Array {
  const name = ALGORITHMS[alg];
  if (!name) throw new Error(`CHAP algorithm ${alg} is not supported`);
  const s = new TextEncoder().encode(secret);
  const input = new Uint8Array(1 + s.length + challenge.length);
  input[0] = id;
  input.set(s, 1);
  input.set(challenge, 1 + s.length);
  return digest(name, input);
}
