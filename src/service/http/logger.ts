import { pino, type Logger } from 'pino';
import type { ServiceConfig } from '../../config/service-config.js';

/**
 * The service's logger. Request and response bodies are never logged (users' words live there);
 * the one line per request carries its id, method, route template, status, error code and time.
 * Credentials are redacted wherever a header object is logged.
 */
export function createLogger(config: ServiceConfig, stream?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'convstore' },
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    stream ?? process.stdout,
  );
}
