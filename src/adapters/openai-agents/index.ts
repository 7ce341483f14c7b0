// convstore/openai-agents: a Session for OpenAI Agents JS. Type-only use of @openai/agents.
export { ConvstoreSession } from './session.js';
export type { ConvstoreSessionOptions } from './session.js';
export { AGENT_ITEM_FORMAT, decodeItem, encodeItem } from './item-codec.js';
