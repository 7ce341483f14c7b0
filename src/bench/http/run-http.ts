import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { forEachParallel, range, schemaFor, type BenchContext } from '../bench-context.js';
import type { BenchResult } from '../bench-result.js';
import { percentile, roundMs } from '../measure.js';
import { payload, type Payload } from '../workload.js';
import type { LoadReport, LoadRequest } from './load-worker.js';

export interface HttpRunOptions {
  concurrency: number[];
  quick: boolean;
  seed: number;
  result: BenchResult;
}

const USER = 'bench-user';

/**
 * The HTTP service under load: append and "last 50" through the real service (auth, validation,
 * metrics, JSON) on the postgres store, driven by autocannon from a worker thread with
 * `concurrency` keep-alive connections. Rows are store `http-postgres`.
 */
export async function runHttp(context: BenchContext, options: HttpRunOptions): Promise<void> {
  const { log } = context;
  const schema = schemaFor(context, 'http');
  let service: { url: string; close(): Promise<void> } | undefined;
  try {
    const { loadServiceConfig } = await import('../../config/index.js');
    const { startService } = await import('../../service/index.js');
    const adminToken = randomBytes(24).toString('hex');
    const config = loadServiceConfig(
      {},
      {
        port: 0,
        host: '127.0.0.1',
        schema,
        databaseUrl: context.databaseUrl,
        adminToken,
        logLevel: 'silent',
        cleanupIntervalSeconds: 0,
        rateLimitMax: 0,
        migrate: true,
        maxConversationHistory: 50,
        conversationTtl: 24 * 3600,
        poolSize: context.poolSize,
      },
    );
    service = await startService(config, { say: () => {} });
    const token = await createUser(service.url, adminToken);
    const sessions = range(options.quick ? 20 : 200).map((k) => `h${k}`);
    const bodies = range(64).map((n) => messageBody(payload(options.seed, 1_000_000 + n)));
    await forEachParallel(sessions, 4, async (session, k) => {
      const messages = range(50).map((m) =>
        JSON.parse(messageBody(payload(options.seed, k * 50 + m))),
      );
      await call(service!.url, 'POST', `/v1/sessions/${session}/messages`, token, { messages });
    });
    log(`http-postgres: service started, ${sessions.length} sessions of 50 loaded`);
    for (const operation of ['read_last_50', 'add'] as const) {
      for (const connections of options.concurrency) {
        const base = { url: service.url, token, operation, connections, sessions, bodies };
        await load({ ...base, seconds: 1 }); // warm-up
        const report = await load({ ...base, seconds: options.quick ? 1 : 4 });
        if (report.non2xx > 0 || report.errors > 0) {
          throw new Error(
            `${operation}: ${report.non2xx} non-2xx responses, ${report.errors} errors`,
          );
        }
        const sorted = Float64Array.from(report.latencies).sort();
        const row = {
          store: 'http-postgres',
          operation,
          concurrency: connections,
          p50_ms: roundMs(percentile(sorted, 0.5)),
          p95_ms: roundMs(percentile(sorted, 0.95)),
          p99_ms: roundMs(percentile(sorted, 0.99)),
          ops_per_s: Math.round(sorted.length / report.seconds),
        };
        options.result.rows.push(row);
        log(
          `  http-postgres ${operation} c=${connections}: p50 ${row.p50_ms} ms, p99 ${row.p99_ms}, ${row.ops_per_s}/s`,
        );
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    options.result.skipped.push({ store: 'http-postgres', reason });
    log(`http-postgres: not measured: ${reason}`);
  } finally {
    await service?.close();
    await context.admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

/** Runs one autocannon load in a worker thread and waits for its report. */
function load(request: LoadRequest): Promise<LoadReport> {
  // From source (npm run bench, under tsx) the worker is TypeScript too and needs tsx's loader;
  // built (convstore bench), it is plain JavaScript.
  const fromSource = import.meta.url.endsWith('.ts');
  const file = new URL(fromSource ? './load-worker.ts' : './load-worker.js', import.meta.url);
  return new Promise((resolve, reject) => {
    // Under tsx, a worker does not inherit its loader: register it first, then import the file.
    const worker = fromSource
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`,
          { eval: true, workerData: request },
        )
      : new Worker(file, { workerData: request });
    worker.once('message', (message: { report?: LoadReport; error?: string }) => {
      if (message.report) resolve(message.report);
      else reject(new Error(message.error ?? 'load worker failed'));
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

function messageBody(p: Payload): string {
  return JSON.stringify({ role: p.role, content: p.content, metadata: p.metadataObject });
}

async function createUser(url: string, adminToken: string): Promise<string> {
  const body = (await call(url, 'POST', '/v1/admin/users', adminToken, { user_id: USER })) as {
    api_key: string;
  };
  return body.api_key;
}

async function call(url: string, method: string, path: string, token: string, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
  return (await response.json()) as unknown;
}
