import type { Message } from '../../contract/types.js';
import { UI_MESSAGE_FORMAT, type UIMessageLike } from './ui-message.js';

/**
 * A stored message as a UIMessage: the stored JSON text parsed as it is (keys, unknown fields and
 * providerMetadata intact). A plain message written by other means (no `data`) reads as one text
 * part; tool-role messages have no UIMessage form and are left out.
 */
export function fromStored<M extends UIMessageLike>(message: Message): M[] {
  if (message.format === UI_MESSAGE_FORMAT && message.data !== null) {
    return [JSON.parse(message.data) as M];
  }
  if (message.role === 'tool') return [];
  const plain = {
    id: message.messageId,
    role: message.role,
    parts: [{ type: 'text', text: message.content }],
  };
  return [plain as unknown as M];
}
