import { afterEach, describe, expect, inject, it } from 'vitest';
import { migrateDatabase, migrateRedis } from '../../src/jobs/index.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/servers.js';
import { dataPoints, registerTestSdk } from './support/otel-sdk.js';
import { cleanUp, dropSchema, openTelemetryStore } from './support/telemetry-stores.js';

const sdk = registerTestSdk();
const schemas: string[] = [];
afterEach(async () => {
  await cleanUp();
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

function freshSchema(): string {
  const schema = `${inject('runPrefix')}_teljob${process.pid}_${schemas.length + 1}`;
  schemas.push(schema);
  return schema;
}

describe.skipIf(!inject('postgresAvailable') || !inject('redisAvailable'))('job telemetry', () => {
  it('traces a schema migration and counts the migrations applied', async () => {
    const schema = freshSchema();
    const plan = await migrateDatabase({ url: TEST_DATABASE_URL, schema });
    const [span] = sdk.convstoreSpans().filter((s) => s.name === 'convstore.migrateDatabase');
    expect(span?.attributes).toMatchObject({
      'convstore.job': 'migrateDatabase',
      'convstore.schema.from': 0,
      'convstore.schema.to': plan.to,
    });
    const points = dataPoints(await sdk.collectMetrics());
    const applied = points.find((p) => p.name === 'convstore.schema.migrations');
    expect(applied?.value).toBeGreaterThanOrEqual(plan.steps.length);
  });

  it('traces a Redis-to-PostgreSQL migration and counts its progress, without keys', async () => {
    const prefix = `${inject('runPrefix')}_teljob${process.pid}_src:`;
    const redis = await openTelemetryStore('redis', { keyPrefix: prefix });
    await redis.append({
      userId: 'migrating-user',
      sessionId: 'migrating-session',
      messages: [
        { role: 'user', content: 'first words' },
        { role: 'assistant', content: 'second words' },
      ],
    });
    const schema = freshSchema();
    const summary = await migrateRedis({
      from: TEST_REDIS_URL,
      to: TEST_DATABASE_URL,
      schema,
      format: 'convstore',
      prefix,
    });
    expect(summary.sessions).toBe(1);
    const [span] = sdk.convstoreSpans().filter((s) => s.name === 'convstore.migrateRedis');
    expect(span?.attributes).toMatchObject({
      'convstore.migration.sessions': 1,
      'convstore.migration.messages': 2,
      'convstore.migration.messages_inserted': 2,
    });
    const points = dataPoints(await sdk.collectMetrics());
    expect(points.find((p) => p.name === 'convstore.migration.messages')?.value).toBe(2);
    const everything = JSON.stringify([span?.attributes, points]);
    for (const secret of ['migrating-user', 'migrating-session', 'first words']) {
      expect(everything).not.toContain(secret);
    }
  });
});
