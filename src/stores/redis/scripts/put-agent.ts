import type { Agent, Metadata } from '../../../contract/types.js';
import type { ScriptCall } from '../script-call.js';
import { agentBody, agentFromJson } from '../session-codec.js';

/** put-agent.lua: creates or replaces a catalogue agent, keeping its createdAt. */
export function putAgentCall(
  agentsKey: string,
  agentId: string,
  agent: { name: string | null; model: string | null; settings: Metadata },
): ScriptCall<Agent> {
  return {
    script: 'putAgent',
    keys: [agentsKey],
    args: [agentId, agentBody(agent)],
    decode: (reply) => agentFromJson(reply as string),
  };
}
