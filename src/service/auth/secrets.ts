import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys and admin tokens are 256 random bits, so one SHA-256 is a safe hash to keep (no salt
 * or slow hash is needed for secrets nobody can guess). The prefix tells a reader what a leaked
 * string is.
 */
export function newSecret(prefix: 'csk' | 'csa'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
