import type { BenchContext } from '../bench-context.js';
import type { BenchResult } from '../bench-result.js';

export interface HttpRunOptions {
  concurrency: number[];
  quick: boolean;
  result: BenchResult;
}

/**
 * The HTTP service under load: append and history through the real service (autocannon). The
 * service is not part of this version yet, so this reports that and measures nothing.
 */
export async function runHttp(context: BenchContext, options: HttpRunOptions): Promise<void> {
  const reason = 'the HTTP service (startService) is not available in this version';
  options.result.skipped.push({ store: 'http', reason });
  context.log(`http: not measured: ${reason}`);
}
