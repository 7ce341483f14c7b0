import { expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/index.js';
import { countSqlRows, describeContract, openStore } from '../support/store-under-test.js';

describeContract('agents', () => {
  it('creates, replaces and lists agents', async () => {
    const store = await openStore();
    const created = await store.putAgent({
      agentId: 'support-bot',
      name: 'Support',
      model: 'gpt-x',
      settings: { temperature: 0.2 },
    });
    expect(created).toMatchObject({
      agentId: 'support-bot',
      name: 'Support',
      model: 'gpt-x',
      settings: { temperature: 0.2 },
    });
    await store.putAgent({ agentId: 'another' });
    const replaced = await store.putAgent({ agentId: 'support-bot', name: 'Support v2' });
    expect(replaced).toMatchObject({ name: 'Support v2', model: null, settings: {} });
    const agents = await store.listAgents();
    expect(agents.map((a) => a.agentId)).toEqual(['another', 'support-bot']);
    expect(agents[1]).toMatchObject({ name: 'Support v2' });
  });

  it('lists only registered agents, never the ids users name in their sessions', async () => {
    const store = await openStore();
    await store.append({
      userId: 'bob',
      sessionId: 's',
      agentId: 'bobs-private-label',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await store.createSession({ userId: 'carol', sessionId: 'c', agentId: 'carols-label' });
    await store.updateSession({ userId: 'bob', sessionId: 's', agentId: 'another-label' });
    expect(await store.listAgents()).toEqual([]);
    await store.putAgent({ agentId: 'bobs-private-label', name: 'Now public' });
    expect((await store.listAgents()).map((a) => a.agentId)).toEqual(['bobs-private-label']);
  });

  it('records no agent for a refused write: an update of a missing or foreign session, a 409', async () => {
    const store = await openStore();
    await store.createSession({ userId: 'alice', sessionId: 's' });
    await expect(
      store.updateSession({ userId: 'alice', sessionId: 'missing', agentId: 'label-missing' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      store.updateSession({ userId: 'bob', sessionId: 's', agentId: 'label-foreign' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      store.createSession({ userId: 'alice', sessionId: 's', agentId: 'label-conflict' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await store.listAgents()).toEqual([]);
    // The SQL stores keep a row per agent id a session names (for the foreign key), listed or not.
    const rows = await countSqlRows(store, 'agents');
    if (rows !== null) expect(rows).toBe(0);
    expect(await store.getSession({ userId: 'alice', sessionId: 's' })).toMatchObject({
      agentId: null,
    });
    // An accepted write still names its agent.
    await store.updateSession({ userId: 'alice', sessionId: 's', agentId: 'label-ok' });
    expect(await store.getSession({ userId: 'alice', sessionId: 's' })).toMatchObject({
      agentId: 'label-ok',
    });
    if (rows !== null) expect(await countSqlRows(store, 'agents')).toBe(1);
  });

  it('keeps an agent`s details when a session refers to it', async () => {
    const store = await openStore();
    await store.putAgent({ agentId: 'helper', name: 'Helper', model: 'm1' });
    await store.append({
      userId: 'alice',
      sessionId: 's',
      agentId: 'helper',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const [agent] = await store.listAgents();
    expect(agent).toMatchObject({ agentId: 'helper', name: 'Helper', model: 'm1' });
  });
});
