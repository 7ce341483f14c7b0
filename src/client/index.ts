// `convstore/client`: a ConversationStore over convstore's HTTP API. Every export is named.
import { v7 as uuidv7 } from 'uuid';
import { ValidationError } from '../contract/errors.js';
import { DEFAULT_LIMITS } from '../contract/limits.js';
import type { ConversationStore } from '../contract/store.js';
import { InputValidator } from '../contract/validation.js';
import { StoreFacade } from '../facade/store-facade.js';
import type { ClientOptions } from './client-options.js';
import { HttpBackend } from './http-backend.js';
import { HttpTransport } from './http-transport.js';

export type { ClientOptions } from './client-options.js';

/**
 * A store whose every call goes to a convstore service: the same contract, errors and codes as
 * the stores themselves, input checked here first, retries that reuse messageIds and operation
 * ids (so a retried append or transaction is stored once).
 */
export async function createStore(options: ClientOptions): Promise<ConversationStore> {
  if (!/^https?:\/\//.test(options.url)) {
    throw ValidationError.field('url', 'must start with http:// or https://');
  }
  if (!options.apiKey && !options.token) {
    throw ValidationError.field('apiKey', 'give apiKey, or token: (userId) => ...');
  }
  const validator = new InputValidator({ ...DEFAULT_LIMITS, ...options.limits }, uuidv7);
  return new StoreFacade(new HttpBackend(new HttpTransport(options)), validator);
}

/** The same as createStore: a client of the HTTP API. */
export const createClient = createStore;
