import { types } from 'node:util';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/telemetry/store-operations.js';
import { dataPoints, registerTestSdk } from './support/otel-sdk.js';
import {
  TELEMETRY_STORES,
  available,
  cleanUp,
  openTelemetryStore,
  type TelemetryStore,
} from './support/telemetry-stores.js';

const sdk = registerTestSdk();
afterEach(() => cleanUp());

// What must never reach a span or a metric: message content, titles, metadata, and the ids of
// the user, the session and the agent.
const SECRET = 'SECRET-MESSAGE-TEXT-7f3a';
const USER = 'user-alice-91b2';
const SESSION = 'session-private-44c1';
const AGENT = 'agent-personal-0d9e';

for (const kind of TELEMETRY_STORES) describeStore(kind);

function describeStore(kind: TelemetryStore): void {
  describe.skipIf(!available(kind))(`telemetry [${kind}]`, () => body(kind));
}

function body(kind: TelemetryStore): void {
  const system = kind === 'redis' ? 'redis' : 'postgresql';
  const storeKind = kind.startsWith('hybrid') ? 'hybrid' : kind;

  it('traces every operation as a child of the caller span, with counts and codes only', async () => {
    const store = await openTelemetryStore(kind, { ttlSeconds: 3600 });
    expect(types.isProxy(store)).toBe(true);
    const key = { userId: USER, sessionId: SESSION };
    const parent = await sdk.tracer.startActiveSpan('chat-request', async (span) => {
      await store.createSession({ ...key, title: SECRET, metadata: { note: SECRET } });
      await store.append({
        ...key,
        messages: [
          { role: 'user', content: SECRET, metadata: { note: SECRET } },
          { role: 'assistant', content: `${SECRET}-reply` },
        ],
      });
      await store.history(key);
      await expect(store.history({ userId: USER, sessionId: 'no-such-session' })).rejects.toThrow();
      // The message operations (issue 11), each once.
      const { messages } = await store.append({
        ...key,
        messages: [{ role: 'user', content: `${SECRET}-3` }],
      });
      await store.updateMessage({ ...key, messageId: messages[0]!.messageId, content: SECRET });
      const draft = await store.beginMessage({ ...key, content: SECRET });
      const draftId = draft.message.messageId;
      await store.checkpointMessage({ ...key, messageId: draftId, lease: draft.lease });
      await store.finalizeMessage({
        ...key,
        messageId: draftId,
        lease: draft.lease,
        status: 'complete',
      });
      await store.transact({
        ...key,
        operationId: 'op-1',
        append: [{ role: 'user', content: SECRET }],
      });
      await store.popMessage(key);
      await store.deleteMessages({ ...key, messageIds: [draftId] });
      await store.truncate({ ...key, afterSeq: 2 });
      await store.clearMessages(key);
      await store.getSession(key);
      await store.updateSession({ ...key, title: `${SECRET}-2` });
      await store.listSessions({ userId: USER });
      await store.putAgent({ agentId: AGENT, name: SECRET });
      await store.listAgents();
      // Traced on every store, the redis store's UnsupportedError included.
      await store.search({ userId: USER, query: 'hello' }).catch(() => undefined);
      await store
        .usage({
          userId: USER,
          from: new Date(Date.now() - 86_400_000),
          to: new Date(Date.now() + 86_400_000),
          groupBy: ['day'],
        })
        .catch(() => undefined);
      await store.deleteSession(key);
      await store.deleteUser({ userId: USER });
      await store.cleanupExpired();
      await store.ping();
      await store.close();
      span.end();
      return span.spanContext();
    });

    const spans = sdk.convstoreSpans();
    // Every operation of the contract, and nothing else.
    expect(new Set(spans.map((span) => span.name))).toEqual(
      new Set(OPERATION_NAMES.map((name) => `convstore.${name}`)),
    );
    for (const span of spans) {
      expect(span.spanContext().traceId).toBe(parent.traceId);
      expect(span.parentSpanContext?.spanId).toBe(parent.spanId);
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toMatchObject({
        'db.system.name': system,
        'db.system': system,
        'db.operation.name': span.name.slice('convstore.'.length),
        'convstore.store': storeKind,
      });
    }
    const named = (name: string) => spans.filter((span) => span.name === `convstore.${name}`);
    expect(named('append')[0]!.attributes).toMatchObject({
      'convstore.append.messages': 2,
      'convstore.append.inserted': 2,
    });
    const [found, missing] = named('history');
    expect(found!.attributes['db.response.returned_rows']).toBe(2);
    expect(found!.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(missing!.attributes['error.type']).toBe('not_found');
    expect(missing!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'not_found' });
    expect(named('listSessions')[0]!.attributes['db.response.returned_rows']).toBe(1);
    expect(named('deleteUser')[0]!.attributes).toMatchObject({ 'convstore.deleted.sessions': 0 });
    if (storeKind === 'hybrid') {
      expect(typeof found!.attributes['convstore.cache.hit']).toBe('boolean');
    }

    const points = dataPoints(await sdk.collectMetrics());
    const mine = points.filter((point) => point.attributes['convstore.store'] === storeKind);
    const durations = mine.filter((p) => p.name === 'convstore.store.operation.duration');
    expect(new Set(durations.map((p) => p.attributes['db.operation.name']))).toEqual(
      new Set(OPERATION_NAMES),
    );
    expect(
      mine.some(
        (p) =>
          p.name === 'convstore.store.operation.errors' &&
          p.attributes['db.operation.name'] === 'history' &&
          p.attributes['error.type'] === 'not_found',
      ),
    ).toBe(true);
    expect(mine.some((p) => p.name === 'convstore.append.messages')).toBe(true);
    expect(mine.some((p) => p.name === 'convstore.cleanup.sessions')).toBe(true);

    const everything = JSON.stringify({
      spans: spans.map((span) => [span.name, span.attributes, span.events, span.status]),
      points,
    });
    for (const secret of [SECRET, USER, SESSION, AGENT]) {
      expect(everything).not.toContain(secret);
    }
  });

  if (kind.startsWith('hybrid'))
    it('reports cache hits and misses, and the write-behind queue', async () => {
      const store = await openTelemetryStore(kind);
      const key = { userId: USER, sessionId: SESSION };
      await store.append({ ...key, messages: [{ role: 'user', content: SECRET }] });
      // The cache fills on appends and on misses (in the background): read until a read hits.
      await expect
        .poll(async () => {
          sdk.convstoreSpans();
          await store.history(key);
          return sdk.convstoreSpans().some((span) => span.attributes['convstore.cache.hit']);
        })
        .toBe(true);
      const points = dataPoints(await sdk.collectMetrics());
      const names = new Set(points.map((p) => p.name));
      expect(names).toContain('convstore.cache.hits');
      expect(names).toContain('convstore.cache.misses');
      expect(names).toContain('convstore.cache.redis_up');
      if (kind === 'hybrid-write-behind') {
        expect(names).toContain('convstore.write_behind.queue.depth');
        expect(names).toContain('convstore.write_behind.flush.lag');
      }
    });

  if (kind === 'postgres' || kind === 'hybrid')
    it('notes the batch size on each append that PostgreSQL took in one statement', async () => {
      const store = await openTelemetryStore(kind, { poolSize: 1 });
      // With one connection, the first append goes alone and the next five queue behind it.
      await sdk.tracer.startActiveSpan('burst', async (span) => {
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            store.append({
              userId: USER,
              sessionId: `${SESSION}-${i}`,
              messages: [{ role: 'user', content: SECRET }],
            }),
          ),
        );
        span.end();
      });
      const sizes = sdk
        .convstoreSpans()
        .filter((span) => span.name === 'convstore.append')
        .map((span) => span.attributes['db.operation.batch.size']);
      expect(sizes.sort()).toEqual([1, 5, 5, 5, 5, 5]);
      const points = dataPoints(await sdk.collectMetrics());
      expect(points.some((p) => p.name === 'convstore.append.batch.size')).toBe(true);
    });
}

describe.skipIf(!available('hybrid-write-behind'))('telemetry of the write-behind queue', () => {
  it('shows the writes waiting for PostgreSQL and the age of the oldest, then none', async () => {
    // No flusher in this process: the writes wait until flush() takes them.
    const store = await openTelemetryStore('hybrid-write-behind', {}, { flusher: false });
    for (let i = 0; i < 3; i++) {
      await store.append({
        userId: USER,
        sessionId: SESSION,
        messages: [{ role: 'user', content: SECRET }],
      });
    }
    const queue = async () => {
      const points = dataPoints(await sdk.collectMetrics());
      const value = (name: string) => points.find((p) => p.name === name)?.value;
      return {
        depth: value('convstore.write_behind.queue.depth'),
        lag: value('convstore.write_behind.flush.lag'),
      };
    };
    const waiting = await queue();
    expect(waiting.depth).toBe(3);
    expect(waiting.lag).toBeGreaterThanOrEqual(0);
    expect(await store.capabilities.flush!()).toBe(3);
    expect(await queue()).toEqual({ depth: 0, lag: 0 });
  });
});

describe('telemetry: false', () => {
  it('returns the store itself, which makes no spans', async () => {
    const store = await openTelemetryStore('pglite', { telemetry: false });
    expect(types.isProxy(store)).toBe(false);
    await store.ping();
    expect(sdk.convstoreSpans()).toEqual([]);
  });
});
