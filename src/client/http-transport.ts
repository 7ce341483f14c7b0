import { InternalError, UnavailableError } from '../contract/errors.js';
import type { ClientOptions } from './client-options.js';
import { errorFromAnswer, type ErrorBody } from './http-errors.js';

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** Whose credentials: a user's id, or 'admin' for the admin token, or none. */
  as: { user: string } | 'admin' | 'none';
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /**
   * Whether a call that may or may not have arrived can be sent again: appends (their
   * messageIds), transactions (their operation id) and reads can; a pop cannot.
   */
  retrySafe: boolean;
}

export interface Answer<T> {
  status: number;
  body: T;
}

/**
 * One JSON call to the service with the right credentials, a timeout, and retries (with the
 * same body, so the same messageIds and operation ids) while the service does not answer or
 * answers 503/429. A failed answer becomes the library's typed error.
 */
export class HttpTransport {
  private readonly base: string;

  constructor(private readonly options: ClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  async send<T>(call: Call): Promise<Answer<T>> {
    const attempts = call.retrySafe ? (this.options.attempts ?? 3) : 1;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const answer = await this.once<T>(call);
        if (answer.status < 400) return answer;
        const error = errorFromAnswer(answer.status, answer.body as ErrorBody);
        if (!(error instanceof UnavailableError) || attempt === attempts) throw error;
        last = error;
      } catch (error) {
        if (!(error instanceof UnavailableError) || attempt === attempts) throw error;
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
    throw last;
  }

  private async once<T>(call: Call): Promise<Answer<T>> {
    const url = new URL(this.base + call.path);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = await this.token(call.as);
    if (token) headers.authorization = `Bearer ${token}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method: call.method,
        headers,
        ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new UnavailableError('the service does not answer', { cause: error });
    }
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  private async token(as: Call['as']): Promise<string | null> {
    if (as === 'none') return null;
    if (as === 'admin') {
      if (!this.options.adminToken) {
        throw new InternalError('this call needs the admin token: give adminToken');
      }
      return this.options.adminToken;
    }
    if (this.options.token) return this.options.token(as.user);
    if (this.options.apiKey) return this.options.apiKey;
    throw new InternalError('give apiKey, or token: (userId) => ..., to call as a user');
  }
}
