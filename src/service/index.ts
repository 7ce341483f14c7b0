// The HTTP service: start it from code (the CLI's `serve` does) or with `npm start` (main.ts).
export { startService } from './start-service.js';
export type { ServiceDeps, ServiceHandle } from './start-service.js';
