import type { ConversationStore } from '../../contract/store.js';
import type { ResolvedStoreOptions } from '../../options.js';

export async function openHybridStore(_options: ResolvedStoreOptions): Promise<ConversationStore> {
  throw new Error('not yet');
}
