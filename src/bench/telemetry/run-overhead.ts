import { performance } from 'node:perf_hooks';
import type { ConversationStore } from '../../contract/store.js';
import { createStore } from '../../create-store.js';
import { resolveStoreOptions, type StoreOptions } from '../../options.js';
import { instrumentStore } from '../../telemetry/instrument-store.js';
import { NoWorkStore } from './no-work-store.js';
import { registerInMemorySdk } from './register-sdk.js';

/** How a store is opened for the run, and what to remove afterwards. */
export interface OverheadTarget {
  name: string;
  options: StoreOptions;
  drop: () => Promise<void>;
}

export interface OverheadOptions {
  /** Ops per operation per round. */
  ops: number;
  /** Rounds; the variants alternate within each, and the median round counts. */
  rounds: number;
  log: (line: string) => void;
}

export interface OverheadRow {
  store: string;
  operation: 'append' | 'history';
  /** Median over rounds of the mean wall time of one op, microseconds. */
  noApiUs: number;
  apiNoSdkUs: number;
  sdkUs: number;
  /**
   * The same in CPU time of this process (user + system): what the instrumentation itself costs,
   * and far less disturbed than wall time by other work on a shared machine.
   */
  noApiCpuUs: number;
  apiNoSdkCpuUs: number;
  sdkCpuUs: number;
}

/** The instrumentation's own CPU cost per call (a store that does nothing, wrapped or not). */
export interface PerCallCost {
  noApiCpuUs: number;
  apiNoSdkCpuUs: number;
  sdkCpuUs: number;
}

export interface OverheadResult {
  rows: OverheadRow[];
  perCall: PerCallCost;
}

type Variant = 'noApi' | 'apiNoSdk' | 'sdk';
const PER_CALL_CALLS = 50_000;
const HISTORY = 50;

/**
 * The cost of the instrumentation, one caller, append (one message) and history (the last 50):
 * the store as it is without `@opentelemetry/api` (`telemetry: false` returns exactly that
 * object), with the API and no SDK (the no-op path), and with a registered SDK exporting to
 * memory. The first two alternate round by round (drift on a shared machine hits both alike);
 * the SDK runs after them, against the unwrapped store again, since registering it is for good.
 */
export async function runOverhead(
  target: OverheadTarget,
  options: OverheadOptions,
): Promise<OverheadResult> {
  const stores: Partial<Record<Variant, ConversationStore>> = {};
  const perCall = { noApi: [] as number[], apiNoSdk: [] as number[], sdk: [] as number[] };
  try {
    const bare = new NoWorkStore();
    const wrapped = await instrumentStore(bare, resolveStoreOptions({}), undefined);
    for (let round = 0; round < options.rounds; round++) {
      perCall.noApi.push(await cpuPerCall(bare));
      perCall.apiNoSdk.push(await cpuPerCall(wrapped));
    }
    stores.noApi = await createStore({ ...target.options, telemetry: false });
    stores.apiNoSdk = await createStore(target.options);
    const times = { append: newTimes(), history: newTimes() };
    const cpu = { append: newTimes(), history: newTimes() };
    for (const variant of ['noApi', 'apiNoSdk'] as const) await load(stores[variant]!, variant);
    for (let round = 0; round < options.rounds; round++) {
      const order: Variant[] = round % 2 ? ['apiNoSdk', 'noApi'] : ['noApi', 'apiNoSdk'];
      for (const variant of order) {
        await measureRound(stores[variant]!, variant, round, times, cpu);
      }
    }
    const sdk = await registerInMemorySdk();
    const withSdk = await instrumentStore(new NoWorkStore(), resolveStoreOptions({}), undefined);
    for (let round = 0; round < options.rounds; round++) {
      sdk.reset();
      perCall.sdk.push(await cpuPerCall(withSdk));
    }
    stores.sdk = await createStore(target.options);
    await load(stores.sdk, 'sdk');
    const baseline = { append: newTimes(), history: newTimes() };
    const baselineCpu = { append: newTimes(), history: newTimes() };
    for (let round = 0; round < options.rounds; round++) {
      sdk.reset();
      const order: Variant[] = round % 2 ? ['sdk', 'noApi'] : ['noApi', 'sdk'];
      for (const variant of order) {
        const sdkRun = variant === 'sdk';
        await measureRound(
          stores[variant]!,
          variant,
          round,
          sdkRun ? times : baseline,
          sdkRun ? cpu : baselineCpu,
        );
      }
    }
    options.log(`${target.name}: measured ${options.rounds} rounds of ${options.ops} ops`);
    // The SDK's figure is scaled to the no-API figure of its own phase: the context manager it
    // brings slows the whole process, the unwrapped store included; the ratio is what it adds.
    const sdkScaled = (all: Times, base: Times) =>
      (median(all.sdk) / median(base.noApi)) * median(all.noApi);
    const rows = (['append', 'history'] as const).map((operation) => ({
      store: target.name,
      operation,
      noApiUs: median(times[operation].noApi),
      apiNoSdkUs: median(times[operation].apiNoSdk),
      sdkUs: sdkScaled(times[operation], baseline[operation]),
      noApiCpuUs: median(cpu[operation].noApi),
      apiNoSdkCpuUs: median(cpu[operation].apiNoSdk),
      sdkCpuUs: sdkScaled(cpu[operation], baselineCpu[operation]),
    }));
    return {
      rows,
      perCall: {
        noApiCpuUs: median(perCall.noApi),
        apiNoSdkCpuUs: median(perCall.apiNoSdk),
        sdkCpuUs: median(perCall.sdk),
      },
    };
  } finally {
    for (const store of Object.values(stores)) await store.close().catch(() => {});
    await target.drop();
  }

  async function load(store: ConversationStore, variant: Variant): Promise<void> {
    const messages = Array.from({ length: HISTORY }, (_, i) => ({
      role: 'user' as const,
      content: `history message ${i} `.repeat(8),
    }));
    await store.append({ userId: `u-${variant}`, sessionId: 'read', messages });
  }

  async function measureRound(
    store: ConversationStore,
    variant: Variant,
    round: number,
    into: Record<'append' | 'history', Times>,
    intoCpu: Record<'append' | 'history', Times>,
  ): Promise<void> {
    const userId = `u-${variant}`;
    let started = performance.now();
    let cpuStarted = process.cpuUsage();
    for (let i = 0; i < options.ops; i++) {
      await store.append({
        userId,
        sessionId: `write-${round}-${i % 20}`,
        messages: [{ role: 'user', content: `a new message of round ${round}, op ${i}` }],
      });
    }
    into.append[variant].push(((performance.now() - started) * 1000) / options.ops);
    intoCpu.append[variant].push(cpuMicros(cpuStarted) / options.ops);
    started = performance.now();
    cpuStarted = process.cpuUsage();
    for (let i = 0; i < options.ops; i++) {
      await store.history({ userId, sessionId: 'read', last: HISTORY });
    }
    into.history[variant].push(((performance.now() - started) * 1000) / options.ops);
    intoCpu.history[variant].push(cpuMicros(cpuStarted) / options.ops);
  }
}

type Times = Record<Variant, number[]>;

/** CPU microseconds per call of append and history, alternating, on a store without I/O. */
async function cpuPerCall(store: ConversationStore): Promise<number> {
  const input = {
    userId: 'u',
    sessionId: 's',
    messages: [{ role: 'user' as const, content: 'x' }],
  };
  const started = process.cpuUsage();
  for (let i = 0; i < PER_CALL_CALLS / 2; i++) {
    await store.append(input);
    await store.history(input);
  }
  return cpuMicros(started) / PER_CALL_CALLS;
}

function cpuMicros(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

function newTimes(): Times {
  return { noApi: [], apiNoSdk: [], sdk: [] };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
