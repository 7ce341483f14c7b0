import { expect, it } from 'vitest';
import { openEventStream } from './support/event-stream.js';
import {
  describeService,
  startTestService,
  type TestService,
} from './support/service-under-test.js';

async function beginDraft(api: TestService, key: string, sessionId: string) {
  const begun = await api.request('POST', `/v1/sessions/${sessionId}/drafts`, {
    token: key,
    body: { message_id: 'reply' },
  });
  expect(begun.status).toBe(201);
  return begun.body.lease as string;
}

describeService('draft events', (backend) => {
  it('streams each checkpoint as it lands and ends with the final message', async () => {
    const api = await startTestService(backend);
    const key = await api.newUser('erin');
    const lease = await beginDraft(api, key, 'chat');
    const stream = await openEventStream(`${api.url}/v1/sessions/chat/messages/reply/events`, {
      authorization: `Bearer ${key}`,
    });
    expect(stream.status).toBe(200);
    expect(await stream.next()).toMatchObject({
      id: '1',
      event: 'message',
      data: { message_id: 'reply', status: 'streaming', content: '' },
    });
    for (const [version, content] of [
      [2, 'Hel'],
      [3, 'Hello, wor'],
    ] as const) {
      const put = await api.request('PUT', '/v1/sessions/chat/drafts/reply', {
        token: key,
        body: { lease, content },
      });
      expect(put.status).toBe(200);
      expect(await stream.next()).toMatchObject({ id: String(version), data: { content } });
    }
    const done = await api.request('POST', '/v1/sessions/chat/drafts/reply/finalize', {
      token: key,
      body: { lease, status: 'complete', content: 'Hello, world' },
    });
    expect(done.status).toBe(200);
    expect(await stream.next()).toMatchObject({
      id: '4',
      data: { status: 'complete', content: 'Hello, world' },
    });
    expect(await stream.next()).toBeNull();

    // Resuming after a disconnect: only what changed since the last event seen.
    const resumed = await openEventStream(`${api.url}/v1/sessions/chat/messages/reply/events`, {
      authorization: `Bearer ${key}`,
      'last-event-id': '3',
    });
    expect(await resumed.next()).toMatchObject({ id: '4', data: { status: 'complete' } });
    expect(await resumed.next()).toBeNull();
  });

  it("never streams another user's draft", async () => {
    const api = await startTestService(backend);
    const owner = await api.newUser('fay');
    const stranger = await api.newUser('gus');
    await beginDraft(api, owner, 'private');
    const response = await api.request('GET', '/v1/sessions/private/messages/reply/events', {
      token: stranger,
    });
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'not_found' } });
  });
});
