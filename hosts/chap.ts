import { createHash } from 'node:crypto';

// CHAP_A values (RFC 7143 §12.1.3 / RFC 7143 + RFC 8245 algorithms) to the runtime's hash names.
const ALGORITHMS: Record<number, string> = { 5: 'md5', 6: 'sha1', 7: 'sha256', 8: 'sha3-256' };

/** H(identifier || secret || challenge): the only place a secret is touched. */
export function chapDigest(alg: number, id: number, secret: string, challenge: Uint8Array): Uint8Array {
  const name = ALGORITHMS[alg];
  if (!name) throw new Error(`CHAP algorithm ${alg} is not supported`);
  const h = createHash(name);
  h.update(Uint8Array.of(id));
  h.update(new TextEncoder().encode(secret));
  h.update(challenge);
  return new Uint8Array(h.digest());
}
