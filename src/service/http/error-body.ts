import type { FastifyError } from 'fastify';
import { ConvstoreError, ERROR_STATUS, ValidationError } from '../../contract/errors.js';
import { ID_RULE } from '../../contract/limits.js';
import { toApiField } from './field-names.js';
import { HttpError, type HttpErrorCode } from './http-error.js';
import { schemaIssues } from './schema-issues.js';

export interface ErrorBody {
  error: {
    code: HttpErrorCode;
    message: string;
    issues?: Array<{ field: string; problem: string }>;
  };
}

export interface MappedError {
  status: number;
  body: ErrorBody;
}

/**
 * Every failure becomes `{ error: { code, message } }` with a fixed status. Messages are written
 * here or come from the store's typed errors, which name fields and limits only: a parser's or a
 * driver's own message may quote the request, so it is never passed on.
 */
export function toErrorResponse(error: unknown): MappedError {
  if (error instanceof HttpError) return respond(error.status, error.code, error.message);
  if (error instanceof ValidationError) {
    const issues = error.issues.map((issue) => ({
      field: toApiField(issue.field),
      problem: issue.problem.replace(/\b[a-z]+(?:[A-Z][a-z]+)+\b/g, toApiField),
    }));
    return respond(400, 'invalid_input', describe(issues), issues);
  }
  if (error instanceof ConvstoreError) {
    return respond(ERROR_STATUS[error.code].http, error.code, error.message);
  }
  return fromFastify(error as Partial<FastifyError>);
}

function fromFastify(error: Partial<FastifyError>): MappedError {
  if (error.validation) {
    const issues = schemaIssues(error.validation, error.validationContext ?? 'body');
    return respond(400, 'invalid_input', describe(issues), issues);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return respond(413, 'payload_too_large', 'the request body is over the size limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return respond(415, 'unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return respond(400, 'invalid_input', 'body: is required');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return respond(400, 'invalid_input', 'body: is not valid JSON');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return respond(400, 'invalid_input', `ids in the path must be ${ID_RULE}`);
    case 'FST_ERR_BAD_URL':
      return respond(400, 'invalid_input', 'the path is not valid percent-encoded UTF-8');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return respond(400, 'invalid_input', 'the Content-Length header does not match the body');
  }
  if (error.statusCode === 429) {
    return respond(429, 'rate_limited', 'too many requests; retry later');
  }
  // Fastify's JSON parser throws a SyntaxError whose message can quote the body.
  if (error instanceof SyntaxError) return respond(400, 'invalid_input', 'body: is not valid JSON');
  if (error.statusCode === 400) return respond(400, 'invalid_input', 'the request is malformed');
  if (error.statusCode === 413) {
    return respond(413, 'payload_too_large', 'the request body is over the size limit');
  }
  if (error.statusCode === 415) {
    return respond(415, 'unsupported_media_type', 'send the body as application/json');
  }
  if (error.statusCode === 404) return respond(404, 'not_found', 'no such route');
  // Any other client error of a plugin is still the client's, never a 500 (whose message it
  // could carry: it is not passed on).
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return respond(400, 'invalid_input', 'the request is malformed');
  }
  return respond(500, 'internal', 'internal error');
}

function describe(issues: Array<{ field: string; problem: string }>): string {
  return issues.map((issue) => `${issue.field}: ${issue.problem}`).join('; ');
}

function respond(
  status: number,
  code: HttpErrorCode,
  message: string,
  issues?: Array<{ field: string; problem: string }>,
): MappedError {
  return { status, body: { error: { code, message, ...(issues ? { issues } : {}) } } };
}
