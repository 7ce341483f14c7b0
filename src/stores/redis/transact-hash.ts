import type { TransactInput } from '../../contract/types.js';
import { fingerprint } from './fingerprint.js';

/**
 * What makes a reused operation id the same operation: its body as the caller gave it (before
 * any messageId is generated), hashed as the idempotency fingerprint hashes a message.
 */
export function transactBodyHash(input: TransactInput): string {
  return fingerprint([
    input.agentId ?? null,
    input.append ?? null,
    input.replaceSuffix?.expected ?? null,
    input.replaceSuffix?.replacement ?? null,
  ]);
}
