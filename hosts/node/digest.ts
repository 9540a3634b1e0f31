import { createHash } from 'node:crypto';
import type { DigestName } from '../types.ts';

/** The runtime's own hashes, for the hosts that have node:crypto (Node, Deno, Bun). */
export const nodeDigest = (name: DigestName, data: Uint8Array): Uint8Array =>
  new Uint8Array(createHash(name).update(data).digest());
