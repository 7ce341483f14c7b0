#!/usr/bin/env node
// `npm run bench:telemetry`: what convstore's OpenTelemetry instrumentation costs per operation
// (see run-overhead.ts). One store per run: --store pglite (default, in memory), postgres, redis,
// hybrid. Everything the run creates (a schema, keys) is removed at the end.
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL } from '../bench-options.js';
import { deleteKeys, openRedis } from '../subjects/redis-connection.js';
import {
  runOverhead,
  type OverheadRow,
  type OverheadTarget,
  type PerCallCost,
} from './run-overhead.js';

const USAGE = `usage: npm run bench:telemetry -- [--store pglite|postgres|redis|hybrid] [--ops 500] [--rounds 9]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      store: { type: 'string', default: 'pglite' },
      ops: { type: 'string', default: '500' },
      rounds: { type: 'string', default: '9' },
    },
    strict: true,
  });
  const ops = Number(values.ops);
  const rounds = Number(values.rounds);
  if (!(ops > 0 && rounds > 0)) throw new Error(USAGE);
  const { rows, perCall } = await runOverhead(await target(values.store), {
    ops,
    rounds,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${table(rows)}\n\n${perCallTable(rows, perCall)}\n`);
}

async function target(store: string): Promise<OverheadTarget> {
  const schema = `bench_otel_${process.pid}`;
  const keyPrefix = `${schema}:`;
  const dropSchema = async () => {
    const { default: postgres } = await import('postgres');
    const sql = postgres(DEFAULT_DATABASE_URL, { max: 1, onnotice: () => {} });
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await sql.end({ timeout: 1 });
  };
  const dropKeys = async () => {
    const redis = await openRedis(DEFAULT_REDIS_URL);
    await deleteKeys(redis, keyPrefix);
    redis.disconnect();
  };
  switch (store) {
    case 'pglite':
      return { name: store, options: { url: 'pglite://memory', schema }, drop: async () => {} };
    case 'postgres':
      return {
        name: store,
        options: { url: DEFAULT_DATABASE_URL, schema, migrate: true },
        drop: dropSchema,
      };
    case 'redis':
      return { name: store, options: { url: DEFAULT_REDIS_URL, keyPrefix }, drop: dropKeys };
    case 'hybrid':
      return {
        name: store,
        options: {
          url: DEFAULT_DATABASE_URL,
          schema,
          migrate: true,
          cache: { url: DEFAULT_REDIS_URL, keyPrefix },
        },
        drop: async () => {
          await dropSchema();
          await dropKeys();
        },
      };
    default:
      throw new Error(USAGE);
  }
}

function table(rows: OverheadRow[]): string {
  const lines = [
    '| store | operation | measure | no API (µs/op) | API, no SDK (µs/op) | vs no API | SDK, in-memory export (µs/op) | vs no API |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const ratio = (value: number, base: number) => `${((value / base - 1) * 100).toFixed(1)}%`;
  const line = (row: OverheadRow, measure: string, none: number, noSdk: number, sdk: number) =>
    `| ${row.store} | ${row.operation} | ${measure} | ${none.toFixed(1)} | ${noSdk.toFixed(1)} | ${ratio(noSdk, none)} | ${sdk.toFixed(1)} | ${ratio(sdk, none)} |`;
  for (const row of rows) {
    lines.push(line(row, 'wall', row.noApiUs, row.apiNoSdkUs, row.sdkUs));
    lines.push(line(row, 'cpu', row.noApiCpuUs, row.apiNoSdkCpuUs, row.sdkCpuUs));
  }
  return lines.join('\n');
}

/** The instrumentation's own cost, and what it is as a share of each operation's CPU time. */
function perCallTable(rows: OverheadRow[], cost: PerCallCost): string {
  const noSdk = cost.apiNoSdkCpuUs - cost.noApiCpuUs;
  const sdk = cost.sdkCpuUs - cost.noApiCpuUs;
  const share = (added: number, of: number) => `${((added / of) * 100).toFixed(2)}%`;
  return [
    '| instrumentation, CPU per call | API, no SDK | SDK, in-memory export |',
    '| --- | ---: | ---: |',
    `| added to a call that does no work (µs) | ${noSdk.toFixed(2)} | ${sdk.toFixed(2)} |`,
    ...rows.map(
      (row) =>
        `| as a share of ${row.store} ${row.operation} (${row.noApiCpuUs.toFixed(1)} µs CPU) | ${share(noSdk, row.noApiCpuUs)} | ${share(sdk, row.noApiCpuUs)} |`,
    ),
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
