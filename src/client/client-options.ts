import type { Limits } from '../contract/limits.js';

/** Options of the HTTP client: a ConversationStore over convstore's REST API. */
export interface ClientOptions {
  /** The service: `http://host:3000` or `https://convstore.example.com`. */
  url: string;
  /** One user's API key: every call is made as that user. */
  apiKey?: string;
  /**
   * For a backend that serves many users: the bearer token (an API key, or a JWT the service
   * accepts, e.g. signed with its JWT_SECRET) to use for a user id.
   */
  token?: (userId: string) => string | Promise<string>;
  /** The admin token, for deleteUser, putAgent and cleanupExpired. */
  adminToken?: string;
  /** Longest wait for one answer. Default 30000 ms. */
  timeoutMs?: number;
  /** Tries for a call that failed to arrive or was answered 503 or 429. Default 3. */
  attempts?: number;
  /** The service's input limits, checked here first (the service checks them again). */
  limits?: Partial<Limits>;
}
