import type { TransactResult } from '../../../contract/types.js';
import type { ResolvedMessage } from '../../../contract/validation.js';
import { messageArgs, messagesFromReply } from '../message-codec.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';

export interface TransactPlan {
  operationId: string;
  /** The hash of the operation's body as the caller gave it (see transactBodyHash). */
  bodyHash: string;
  agentId?: string;
  /** The messageIds of the suffix to replace, oldest first ([] for an append). */
  expected: readonly string[];
  messages: readonly ResolvedMessage[];
}

/** transact.lua: an append or a suffix replacement, idempotent per operation id. */
export function transactCall(
  settings: WriteSettings,
  plan: TransactPlan,
): ScriptCall<TransactResult> {
  const args: string[] = [
    settings.sessionId,
    String(settings.ttlMs),
    String(settings.maxHistory),
    plan.agentId ?? '',
    plan.operationId,
    plan.bodyHash,
    String(plan.expected.length),
    ...plan.expected,
  ];
  for (const message of plan.messages) args.push(...messageArgs(message));
  return {
    script: 'transact',
    keys: settings.keys,
    args,
    decode(reply) {
      const [code, nowMs, items, replayed] = reply as [number, number, unknown, number];
      expectOk(code);
      return { messages: messagesFromReply(items, nowMs), replayed: replayed === 1 };
    },
  };
}
