import { expect, it } from 'vitest';
import { ValidationError, type ConversationStore } from '../../src/index.js';
import { describeContract, openStore } from '../support/store-under-test.js';

const key = { userId: 'alice', sessionId: 'chat' };
const ok = { role: 'user', content: 'fine' };

/** Each case: a call that must be refused, and the field its error must name. */
const BAD_CALLS: Array<[string, string, (store: ConversationStore) => Promise<unknown>]> = [
  [
    'unknown role',
    'messages.0.role',
    (s) => s.append({ ...key, messages: [{ role: 'robot', content: 'x' }] } as never),
  ],
  [
    'missing content',
    'messages.0.content',
    (s) => s.append({ ...key, messages: [{ role: 'user' }] } as never),
  ],
  [
    'content over the limit',
    'messages.0.content',
    (s) => s.append({ ...key, messages: [{ role: 'user', content: 'x'.repeat(1025) }] }),
  ],
  [
    'content over the limit in multi-byte characters',
    'messages.0.content',
    (s) => s.append({ ...key, messages: [{ role: 'user', content: 'é'.repeat(513) }] }),
  ],
  [
    'NUL byte in content',
    'messages.0.content',
    (s) => s.append({ ...key, messages: [{ role: 'user', content: 'a\u0000b' }] }),
  ],
  [
    'invalid UTF-8 (lone surrogate) in content',
    'messages.0.content',
    (s) => s.append({ ...key, messages: [{ role: 'user', content: 'a\ud800b' }] }),
  ],
  [
    'metadata that is an array',
    'messages.0.metadata',
    (s) => s.append({ ...key, messages: [{ ...ok, metadata: [1, 2] }] } as never),
  ],
  [
    'metadata that is a string',
    'messages.0.metadata',
    (s) => s.append({ ...key, messages: [{ ...ok, metadata: '{}' }] } as never),
  ],
  [
    'metadata over the limit',
    'messages.0.metadata',
    (s) => s.append({ ...key, messages: [{ ...ok, metadata: { big: 'x'.repeat(600) } }] } as never),
  ],
  [
    'NUL byte inside metadata',
    'messages.0.metadata',
    (s) => s.append({ ...key, messages: [{ ...ok, metadata: { a: 'x\u0000' } }] } as never),
  ],
  [
    'lone surrogate in a metadata key',
    'messages.0.metadata',
    (s) => s.append({ ...key, messages: [{ ...ok, metadata: { ['k\udc00']: 1 } }] } as never),
  ],
  [
    'non-finite number in metadata',
    'messages.0.metadata',
    (s) => s.append({ ...key, messages: [{ ...ok, metadata: { n: Number.NaN } }] } as never),
  ],
  [
    'a class instance in metadata',
    'messages.0.metadata',
    (s) => s.append({ ...key, messages: [{ ...ok, metadata: { when: new Date() } }] } as never),
  ],
  [
    'session id with a space',
    'sessionId',
    (s) => s.append({ ...key, sessionId: 'a b', messages: [ok] } as never),
  ],
  [
    'session id with a brace',
    'sessionId',
    (s) => s.append({ ...key, sessionId: 'a{b}', messages: [ok] } as never),
  ],
  [
    'session id too long',
    'sessionId',
    (s) => s.append({ ...key, sessionId: 'x'.repeat(129), messages: [ok] } as never),
  ],
  ['empty user id', 'userId', (s) => s.append({ ...key, userId: '', messages: [ok] } as never)],
  [
    'user id that is a number',
    'userId',
    (s) => s.append({ ...key, userId: 42, messages: [ok] } as never),
  ],
  [
    'message id with a slash',
    'messages.0.messageId',
    (s) => s.append({ ...key, messages: [{ ...ok, messageId: 'a/b' }] } as never),
  ],
  [
    'repeated message id in one append',
    'messages.1.messageId',
    (s) =>
      s.append({
        ...key,
        messages: [
          { ...ok, messageId: 'x' },
          { ...ok, messageId: 'x' },
        ],
      } as never),
  ],
  ['no messages', 'messages', (s) => s.append({ ...key, messages: [] })],
  [
    'too many messages',
    'messages',
    (s) => s.append({ ...key, messages: Array.from({ length: 6 }, () => ok) } as never),
  ],
  [
    'unknown field in append',
    'input',
    (s) => s.append({ ...key, messages: [ok], extra: true } as never),
  ],
  [
    'unknown field in a message',
    'messages.0',
    (s) => s.append({ ...key, messages: [{ ...ok, name: 'x' }] } as never),
  ],
  [
    'agent id with a space',
    'agentId',
    (s) => s.append({ ...key, agentId: 'a b', messages: [ok] } as never),
  ],
  ['negative last', 'last', (s) => s.history({ ...key, last: -1 })],
  ['zero limit', 'limit', (s) => s.history({ ...key, limit: 0 })],
  ['absurd limit', 'limit', (s) => s.history({ ...key, limit: 1_000_000 })],
  ['fractional last', 'last', (s) => s.history({ ...key, last: 2.5 })],
  ['negative afterSeq', 'afterSeq', (s) => s.history({ ...key, afterSeq: -5 })],
  ['afterSeq as a string', 'afterSeq', (s) => s.history({ ...key, afterSeq: '3' } as never)],
  ['last with a cursor', 'last', (s) => s.history({ ...key, last: 3, afterSeq: 1 })],
  [
    'beforeSeq not after afterSeq',
    'beforeSeq',
    (s) => s.history({ ...key, afterSeq: 5, beforeSeq: 5 }),
  ],
  ['unknown field in history', 'input', (s) => s.history({ ...key, order: 'desc' } as never)],
  [
    'malformed cursor',
    'cursor',
    (s) => s.listSessions({ userId: 'alice', cursor: 'not-a-cursor' }),
  ],
  [
    'cursor with a forged id',
    'cursor',
    (s) =>
      s.listSessions({ userId: 'alice', cursor: Buffer.from('123|a b').toString('base64url') }),
  ],
  [
    'cursor past any date',
    'cursor',
    (s) =>
      s.listSessions({
        userId: 'alice',
        cursor: Buffer.from('9999999999999999999|a').toString('base64url'),
      }),
  ],
  ['negative list limit', 'limit', (s) => s.listSessions({ userId: 'alice', limit: -1 })],
  ['title that is too long', 'title', (s) => s.updateSession({ ...key, title: 't'.repeat(501) })],
  ['title with a NUL', 'title', (s) => s.updateSession({ ...key, title: 'a\u0000' })],
  [
    'update metadata that is null',
    'metadata',
    (s) => s.updateSession({ ...key, metadata: null } as never),
  ],
  ['unknown field in update', 'input', (s) => s.updateSession({ ...key, owner: 'bob' } as never)],
  [
    'create with a bad session id',
    'sessionId',
    (s) => s.createSession({ userId: 'alice', sessionId: 'bad id' }),
  ],
  [
    'delete with a bad user id',
    'userId',
    (s) => s.deleteSession({ userId: 'bad id', sessionId: 'chat' }),
  ],
  [
    'agent with bad settings',
    'settings',
    (s) => s.putAgent({ agentId: 'a', settings: [] } as never),
  ],
  ['cleanup with a zero batch', 'batchSize', (s) => s.cleanupExpired({ batchSize: 0 })],
];

describeContract('validation', () => {
  it.each(BAD_CALLS)('refuses %s, naming %s, and changes nothing', async (_, field, call) => {
    const store = await openStore({
      limits: {
        maxContentBytes: 1024,
        maxMetadataBytes: 512,
        maxMessagesPerAppend: 5,
        maxPageSize: 100,
      },
    });
    await store.append({
      ...key,
      messages: [{ role: 'user', content: 'before', messageId: 'm-0' }],
    });
    await store.updateSession({ ...key, title: 'kept' });
    const snapshot = await observe(store);

    const error = await call(store).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.code).toBe('invalid_input');
    expect(validation.issues.map((issue) => issue.field)).toContain(field);
    expect(validation.message).toContain(field);
    expect(await observe(store)).toEqual(snapshot);
  });

  it('keeps message content out of error messages', async () => {
    const store = await openStore({ limits: { maxContentBytes: 8 } });
    const error = await store
      .append({ ...key, messages: [{ role: 'user', content: 'SECRET-WORDS' }] })
      .catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).not.toContain('SECRET');
  });
});

/** Everything a user could see, to compare before and after a refused call. */
async function observe(store: ConversationStore) {
  return {
    session: await store.getSession(key),
    history: await store.history(key),
    sessions: await store.listSessions({ userId: 'alice' }),
    agents: await store.listAgents(),
  };
}
