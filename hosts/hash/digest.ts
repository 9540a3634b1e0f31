// One entry point to the pure hashes, by the names node:crypto's createHash uses.
import { md5 } from './md5.ts';
import { sha1 } from './sha1.ts';
import { sha256 } from './sha256.ts';
import { sha3_256 } from './sha3-256.ts';

import type { DigestName } from '../types.ts';
export type { DigestName };

// A Map, not an object literal, so a name such as 'toString' or '__proto__' finds nothing.
const DIGESTS = new Map<string, (data: Uint8Array) => Uint8Array>([
  ['md5', md5],
  ['sha1', sha1],
  ['sha256', sha256],
  ['sha3-256', sha3_256],
]);

export function pureDigest(name: DigestName, data: Uint8Array): Uint8Array {
  const digest = DIGESTS.get(name);
  // The type rules out other names only for typed callers; a name parsed off the wire arrives unchecked.
  if (!digest) throw new Error(`digest algorithm '${String(name)}' is not supported`);
  return digest(data);
}
