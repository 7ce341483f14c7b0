import type { HttpErrorCode } from '../../contract/outcomes.js';

/** The codes an HTTP client may switch on (the outcome table): the store's and the HTTP layer's. */
export type { HttpErrorCode } from '../../contract/outcomes.js';

/** A failure that belongs to the HTTP layer (credentials, routes, limits), with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message);
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, 'forbidden', message);
}

export function notFound(message: string): HttpError {
  return new HttpError(404, 'not_found', message);
}
