import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { ErrorBody } from './error-body.js';

/**
 * Node's HTTP parser refuses some requests before Fastify sees them: headers over the size limit,
 * a malformed request line or header, bad chunked encoding, bytes that are not ASCII in the path,
 * a request that took too long. Fastify's default answer has a shape of its own; this one is the
 * documented `{ error: { code, message } }`, counted in /metrics like every other error.
 *
 * The parser's error carries the raw bytes it choked on (`rawPacket`): only its code is logged.
 */
export function clientErrorHandler(metrics: ServiceMetrics, log: FastifyBaseLogger) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    // A reset connection has nobody to answer (https://nodejs.org/api/http.html#event-clienterror).
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { status, body } = clientErrorResponse(error.code);
    metrics.errors.inc({ code: body.error.code });
    log.info({ status, code: body.error.code, parser_code: error.code }, 'request refused');
    // Node's own handler does the same: a response already under way on this socket (its
    // headers sent) must not be interleaved with a second one.
    const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && !current?.headersSent) {
      const json = JSON.stringify(body);
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          'Content-Type: application/json; charset=utf-8\r\n' +
          `Content-Length: ${Buffer.byteLength(json)}\r\n` +
          'Connection: close\r\n\r\n' +
          json,
      );
    }
    socket.destroy();
  };
}

/** What a parser error code means to the client. */
export function clientErrorResponse(code: string | undefined): { status: number; body: ErrorBody } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return answer(
        431,
        'headers_too_large',
        'the request line and headers are over the size limit',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return answer(408, 'request_timeout', 'the request was not received in time');
    case 'HPE_INVALID_CHUNK_SIZE':
      return answer(400, 'invalid_input', 'the request body is not valid chunked encoding');
    case 'HPE_INVALID_URL':
      return answer(400, 'invalid_input', 'the path must be ASCII: percent-encode other bytes');
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return answer(400, 'invalid_input', 'send either Content-Length or chunked encoding');
    default:
      return answer(400, 'invalid_input', 'the request is not valid HTTP/1.1');
  }
}

function answer(
  status: number,
  code: ErrorBody['error']['code'],
  message: string,
): { status: number; body: ErrorBody } {
  return { status, body: { error: { code, message } } };
}
