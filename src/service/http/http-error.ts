/** The codes an HTTP client may switch on; the store's codes plus the HTTP layer's own. */
export type HttpErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'busy'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'schema_mismatch'
  | 'unsupported'
  | 'internal';

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
