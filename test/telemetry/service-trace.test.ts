import { beforeAll, expect, it } from 'vitest';
import { startTestService } from '../service/support/service-under-test.js';
import { registerTestSdk } from './support/otel-sdk.js';

const sdk = registerTestSdk();

// Creating the file's PGlite takes seconds: in a hook (hookTimeout), not in the first test.
beforeAll(() => startTestService('pglite').then(() => {}), 60_000);

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

it('continues the trace of a request that carries traceparent into the store spans', async () => {
  const api = await startTestService('pglite');
  const key = await api.newUser('alice');
  const appended = await api.request('POST', '/v1/sessions/chat-1/messages', {
    token: key,
    body: { role: 'user', content: 'hello' },
    headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` },
  });
  expect(appended.status).toBe(201);
  const append = sdk.convstoreSpans().find((span) => span.name === 'convstore.append');
  expect(append?.spanContext().traceId).toBe(TRACE_ID);
  expect(append?.parentSpanContext?.spanId).toBe(CLIENT_SPAN);
  expect(append?.parentSpanContext?.isRemote).toBe(true);

  // A request without one starts a trace of its own: the store span is a root.
  sdk.resetSpans();
  await api.request('GET', '/v1/sessions/chat-1/messages', { token: key });
  const history = sdk.convstoreSpans().find((span) => span.name === 'convstore.history');
  expect(history).toBeDefined();
  expect(history?.spanContext().traceId).not.toBe(TRACE_ID);
  expect(history?.parentSpanContext).toBeUndefined();
});

it('shows the same store instruments on /metrics as the library records', async () => {
  const api = await startTestService('pglite');
  const key = await api.newUser('bob');
  await api.request('POST', '/v1/sessions/chat-2/messages', {
    token: key,
    body: { role: 'user', content: 'private words' },
  });
  await api.request('GET', '/v1/sessions/nope/messages', { token: key });
  const text = (await api.request('GET', '/metrics')).body as string;
  expect(text).toMatch(
    /^convstore_store_operation_duration_seconds_bucket\{convstore_store="pglite",db_system_name="postgresql",db_operation_name="append",le="\+Inf"\} 1$/m,
  );
  expect(text).toMatch(
    /^convstore_store_operation_errors_total\{convstore_store="pglite",db_system_name="postgresql",db_operation_name="history",error_type="not_found"\} 1$/m,
  );
  expect(text).toMatch(/^convstore_append_messages_count\{[^}]*\} 1$/m);
  expect(text).not.toContain('private words');
  expect(text).not.toContain('chat-2');
});
