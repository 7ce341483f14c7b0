import { createStore } from '../create-store.js';
import type { ConversationStore } from '../contract/store.js';

export interface JobStoreFlags {
  schema: string;
  keyPrefix?: string;
  migrate?: boolean;
  /** A redis target's TTL (CONVERSATION_TTL): the expiry of what is imported into it. */
  ttlSeconds?: number | null;
}

/**
 * A store for export, import or copy, from its URL. The schema is migrated only when asked
 * (`--migrate`), PGlite always (as createStore does); a redis URL takes the key prefix.
 */
export function openJobStore(url: string, flags: JobStoreFlags): Promise<ConversationStore> {
  return createStore({
    url,
    schema: flags.schema,
    ...(flags.migrate && { migrate: true }),
    ...(flags.keyPrefix !== undefined && { keyPrefix: flags.keyPrefix }),
    ...(flags.ttlSeconds != null && { ttlSeconds: flags.ttlSeconds }),
  });
}

/** Resolves after `stream` took `text`, waiting for 'drain' when its buffer is full. */
export function writeWithBackpressure(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(text, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}
