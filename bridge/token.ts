// The token check: equal-time on digests, so neither the length nor the first wrong byte of a
// guess shows in how long the refusal takes.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function tokenCheck(token: string): (candidate: unknown) => boolean {
  if (token.length < 16) throw new Error('the bridge token must be at least 16 characters');
  const want = digest(token);
  return (candidate) => typeof candidate === 'string' && timingSafeEqual(digest(candidate), want);
}
