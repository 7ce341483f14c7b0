import { parseArgs } from 'node:util';
import { GROWTH_SIZES, type BenchOptions, type GrowthSize } from './bench-options.js';
import { STORE_NAMES, type StoreName } from './names.js';

export const BENCH_USAGE = `usage: npm run bench -- [options]
  --quick                 a whole run in under a minute (small data, short runs, no growth)
  --json <file>           one row per (store, operation, concurrency)
  --baseline <file>       an earlier run's --json, shown beside this run (each against its floors)
  --svg <file>            the chart
  --markdown <file>       the results as Markdown tables (for docs/BENCHMARKS.md)
  --stores <a,b,...>      only these (${STORE_NAMES.join(', ')}); floors always run
  --concurrency <1,32>    concurrent callers
  --growth <100k,10m|none> messages-table sizes of the growth run (default 100k,10m; quick: none)
  --search <200k|10m|n>   also time search beside an ILIKE scan, the table at this size (default none)
  --http / --no-http      run / skip the HTTP service under load (default: run; quick: skip)
  --seconds <s>           longest a measurement runs (default 3; quick: 0.25)
  --seed <n>              seed of the data and target sequences (default 42)
  --pool-size <n>         PostgreSQL connections per subject (default 4)
  --database-url <url>    default $CONVSTORE_BENCH_DATABASE_URL or postgres://127.0.0.1:5432/test
  --redis-url <url>       default $CONVSTORE_BENCH_REDIS_URL or redis://127.0.0.1:6379
  --redis-cluster-url <url> redis+cluster://host:port,... for the hybrid-cluster-* stores (unset: skipped)
  --usage <n>             only the usage-report measurement, over n messages (200k, 10m)
  --explain               only the append explained: server figures per statement (execution,
                          WAL records and bytes, index entries, HOT share) and a CPU profile of
                          the client side (with --appends <n>, default 500)`;

/** Turns command-line flags into BenchOptions; throws a plain message on a bad flag. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      json: { type: 'string' },
      baseline: { type: 'string' },
      svg: { type: 'string' },
      markdown: { type: 'string' },
      stores: { type: 'string' },
      concurrency: { type: 'string' },
      growth: { type: 'string' },
      search: { type: 'string' },
      http: { type: 'boolean' },
      'no-http': { type: 'boolean' },
      seed: { type: 'string' },
      seconds: { type: 'string' },
      'pool-size': { type: 'string' },
      'database-url': { type: 'string' },
      'redis-url': { type: 'string' },
      'redis-cluster-url': { type: 'string' },
      usage: { type: 'string' },
      explain: { type: 'boolean' },
      appends: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) throw new UsageRequest();
  const list = (text: string) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const positiveInt = (flag: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer`);
    return n;
  };
  const options: BenchOptions = {};
  if (values.quick) options.quick = true;
  if (values.json) options.json = values.json;
  if (values.baseline) options.baseline = values.baseline;
  if (values.svg) options.svg = values.svg;
  if (values.markdown) options.markdown = values.markdown;
  if (values.explain) options.explain = true;
  if (values.appends !== undefined) options.appends = positiveInt('appends', values.appends);
  if (values.http) options.http = true;
  if (values['no-http']) options.http = false;
  if (values.seconds !== undefined) {
    const seconds = Number(values.seconds);
    if (!(seconds > 0)) throw new Error('--seconds must be a positive number');
    options.seconds = seconds;
  }
  if (values.seed !== undefined) options.seed = positiveInt('seed', values.seed);
  if (values['pool-size'] !== undefined)
    options.poolSize = positiveInt('pool-size', values['pool-size']);
  if (values['database-url']) options.databaseUrl = values['database-url'];
  if (values['redis-url']) options.redisUrl = values['redis-url'];
  if (values['redis-cluster-url']) options.redisClusterUrl = values['redis-cluster-url'];
  if (values.usage !== undefined) {
    const match = /^(\d+)(k|m)?$/i.exec(values.usage.trim());
    if (!match) throw new Error('--usage must be a message count: 200000, 200k or 10m');
    const scale = { k: 1_000, m: 1_000_000 }[match[2]?.toLowerCase() as 'k' | 'm'] ?? 1;
    options.usage = Number(match[1]) * scale;
  }
  if (values.stores !== undefined) {
    const stores = list(values.stores);
    const unknown = stores.filter((s) => !(STORE_NAMES as readonly string[]).includes(s));
    if (unknown.length > 0) throw new Error(`--stores: unknown ${unknown.join(', ')}`);
    options.stores = stores as StoreName[];
  }
  if (values.concurrency !== undefined) {
    options.concurrency = list(values.concurrency).map((c) => positiveInt('concurrency', c));
  }
  if (values.search !== undefined && values.search !== 'none') {
    const match = /^(\d+)(k|m)?$/i.exec(values.search.trim());
    const size = match
      ? Number(match[1]) *
        { k: 1e3, m: 1e6, '': 1 }[(match[2] ?? '').toLowerCase() as 'k' | 'm' | '']
      : 0;
    if (!(size >= 1000))
      throw new Error('--search must be a size of at least 1000 (e.g. 200k, 10m) or none');
    options.search = size;
  }
  if (values.growth !== undefined) {
    const sizes = values.growth === 'none' ? [] : list(values.growth.toLowerCase());
    const unknown = sizes.filter((s) => !(s in GROWTH_SIZES));
    if (unknown.length > 0) {
      throw new Error(
        `--growth: unknown ${unknown.join(', ')} (use ${Object.keys(GROWTH_SIZES).join(', ')} or none)`,
      );
    }
    options.growth = sizes as GrowthSize[];
  }
  return options;
}

/** Thrown for --help: not an error, the caller prints the usage. */
export class UsageRequest extends Error {}
