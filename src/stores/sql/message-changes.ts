import type { MessageChanges } from '../../contract/types.js';

/**
 * The fields a message operation changes, as the stored functions take them (a JSON object
 * whose keys are present only for what changes: `data: null` clears, a missing key keeps).
 */
export function messageChanges(input: MessageChanges): Partial<MessageChanges> {
  const changes: Partial<Record<keyof MessageChanges, unknown>> = {};
  for (const field of CHANGEABLE) {
    if (input[field] !== undefined) changes[field] = input[field];
  }
  return changes as Partial<MessageChanges>;
}

const CHANGEABLE = [
  'content',
  'data',
  'format',
  'kind',
  'toolCallIds',
  'toolResultIds',
  'status',
  'usage',
  'metadata',
  'tokenCount',
] as const satisfies ReadonlyArray<keyof MessageChanges>;
