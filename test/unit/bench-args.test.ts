import { baselineLines, readTargets } from '../../src/bench/report/targets.js';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, UsageRequest } from '../../src/bench/parse-bench-args.js';
import { floorOf, ratios } from '../../src/bench/report/floors.js';
import { percentile } from '../../src/bench/measure.js';
import type { BenchRow } from '../../src/bench/names.js';

const row = (
  store: string,
  operation: BenchRow['operation'],
  p50: number,
  rate: number,
  c = 1,
) => ({
  store,
  operation,
  concurrency: c,
  p50_ms: p50,
  p95_ms: p50,
  p99_ms: p50,
  ops_per_s: rate,
});

describe('bench flags', () => {
  it('turns flags into options', () => {
    expect(
      parseBenchArgs([
        '--quick',
        '--json',
        'out.json',
        '--stores',
        'postgres,sketch-postgres',
        '--concurrency',
        '1,8',
        '--growth',
        '100k,10M',
        '--no-http',
        '--seed',
        '7',
      ]),
    ).toEqual({
      quick: true,
      json: 'out.json',
      stores: ['postgres', 'sketch-postgres'],
      concurrency: [1, 8],
      growth: ['100k', '10m'],
      http: false,
      seed: 7,
    });
    expect(parseBenchArgs(['--growth', 'none'])).toEqual({ growth: [] });
    expect(parseBenchArgs(['--usage', '200k'])).toEqual({ usage: 200_000 });
    expect(parseBenchArgs(['--usage', '10m'])).toEqual({ usage: 10_000_000 });
    expect(() => parseBenchArgs(['--usage', 'lots'])).toThrow(/--usage must be a message count/);
  });

  it('refuses what it does not know, naming the flag', () => {
    expect(() => parseBenchArgs(['--stores', 'mysql'])).toThrow(/--stores: unknown mysql/);
    expect(() => parseBenchArgs(['--growth', '5m'])).toThrow(/--growth: unknown 5m/);
    expect(() => parseBenchArgs(['--concurrency', '0'])).toThrow(
      /--concurrency must be a positive/,
    );
    expect(() => parseBenchArgs(['--fast'])).toThrow();
    expect(() => parseBenchArgs(['--help'])).toThrow(UsageRequest);
  });
});

describe('bench arithmetic', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(95);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(new Float64Array(0), 0.5)).toBe(0);
  });

  it('reads a chat turn against a read floor plus two durable-write floors', () => {
    const rows = [
      row('floor-postgres', 'insert1', 0.5, 2000),
      row('floor-postgres', 'read50', 0.2, 5000),
      row('sketch-postgres', 'chat_turn', 6, 150),
      row('postgres', 'chat_turn', 1.5, 600),
    ];
    const floor = floorOf(rows[3]!, rows)!;
    expect(floor.p50_ms).toBeCloseTo(1.2);
    expect(floor.ops_per_s).toBeCloseTo(1 / (1 / 5000 + 2 / 2000));
    const { vsFloor, vsSketch } = ratios(rows[3]!, rows);
    expect(vsFloor).toBeCloseTo(1.25);
    expect(vsSketch).toBeCloseTo(4);
  });

  it('compares throughput, not latency, above concurrency 1', () => {
    const rows = [
      row('floor-postgres', 'insert1', 9, 2000, 32),
      row('postgres', 'add', 12, 1600, 32),
    ];
    expect(ratios(rows[1]!, rows).vsFloor).toBeCloseTo(1.25);
    expect(ratios(rows[1]!, rows).vsSketch).toBeUndefined();
  });
});

describe('bench targets', () => {
  it('reads PGlite against its own floors, not the server', () => {
    const rows = [
      row('floor-postgres', 'insert1', 0.2, 4000),
      row('floor-pglite', 'insert1', 0.05, 12000),
      row('floor-pglite', 'read50', 0.4, 2000),
      row('pglite', 'add', 1.0, 900),
      row('pglite', 'read_last_50', 0.8, 1000),
    ];
    expect(ratios(rows[3]!, rows).vsFloor).toBeCloseTo(20);
    const readings = readTargets(rows);
    const figure = (start: string) => readings.find((r) => r.target.figure.startsWith(start))!;
    expect(figure('pglite add').value).toBeCloseTo(20);
    expect(figure('pglite add').met).toBe(false);
    expect(figure('pglite read_last_50').value).toBeCloseTo(2);
    expect(figure('postgres add p50').value).toBeUndefined();
  });

  it('needs a speed-up over the sketch at both concurrencies', () => {
    const rows = [
      row('sketch-postgres', 'list_sessions', 0.2, 10000),
      row('postgres', 'list_sessions', 0.1, 10000),
      row('sketch-postgres', 'list_sessions', 2, 20000, 32),
      row('postgres', 'list_sessions', 3, 15000, 32),
    ];
    const reading = readTargets(rows).find((r) => r.target.figure.startsWith('postgres list'))!;
    expect(reading.value).toBeCloseTo(0.75);
    expect(reading.met).toBe(false);
  });

  it('compares each row with a baseline run, each against its own floors', () => {
    const now = [row('floor-postgres', 'insert1', 0.2, 4000), row('postgres', 'add', 0.4, 2000)];
    const then = [row('floor-postgres', 'insert1', 0.4, 2000), row('postgres', 'add', 1.2, 700)];
    const [line] = baselineLines(now, then, (r, all) => ratios(r, all).vsFloor);
    expect(line).toEqual(['postgres', 'add', '1', '3.00', '2.00', '0.67']);
  });
});
