/**
 * Conversations a person would recognise, stored through the REST API as an application stores
 * them: a trip with a tool call and its result, reasoning, a Markdown table and an image; a
 * second conversation on another model and agent; and another user's private one. Used by the
 * browser tests and by scripts/console-screenshots.ts.
 */

export interface Caller {
  (
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function apiCaller(baseUrl: string): Caller {
  return async (method, path, token, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: type.includes('json') && text ? JSON.parse(text) : text,
    };
  };
}

/** A small picture (an SVG map pin) as inline data: nothing to fetch. */
export const MAP_IMAGE =
  'data:image/svg+xml;base64,' +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="100" viewBox="0 0 160 100">' +
      '<rect width="160" height="100" fill="#cfe3f7"/><path d="M0 70 Q40 55 80 72 T160 66 V100 H0Z" fill="#7fb2e5"/>' +
      '<circle cx="70" cy="45" r="9" fill="#d64545"/><text x="84" y="50" font-size="12" font-family="sans-serif">Ribeira</text></svg>',
  ).toString('base64');

/** The words of the other user's conversation: never to be seen with the first user's key. */
export const PRIVATE_WORD = 'zanzibar';

export async function seedUsers(call: Caller, adminToken: string, users: [string, string]) {
  const keys: string[] = [];
  for (const userId of users) {
    const created = await call('POST', '/v1/admin/users', adminToken, { user_id: userId });
    if (created.status !== 201) throw new Error(`creating ${userId}: ${created.status}`);
    keys.push(created.body.api_key as string);
  }
  return keys as [string, string];
}

export async function seedConversations(
  call: Caller,
  adminToken: string,
  key: string,
  otherKey: string,
) {
  const ok = (what: string) => (answer: { status: number; body: unknown }) => {
    if (answer.status >= 300)
      throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  await call('POST', '/v1/admin/agents', adminToken, {
    agent_id: 'travel-agent',
    name: 'Travel planner',
    model: 'gpt-x',
  }).then(ok('agent'));
  await call('POST', '/v1/admin/agents', adminToken, {
    agent_id: 'shopping',
    name: 'Gift finder',
    model: 'gpt-y',
  }).then(ok('agent'));
  await call('POST', '/v1/sessions', key, {
    session_id: 'trip-to-lisbon',
    metadata: { channel: 'web', locale: 'en-GB' },
    title: 'Trip to Lisbon',
    agent_id: 'travel-agent',
  }).then(ok('session'));
  const toolCall = {
    id: 'm-tool',
    role: 'assistant',
    parts: [
      { type: 'step-start' },
      {
        type: 'tool-searchHotels',
        toolCallId: 'call_hotels',
        state: 'input-available',
        input: { city: 'Lisbon', near: 'river', nights: 3 },
      },
    ],
  };
  const image = {
    id: 'm-map',
    role: 'user',
    parts: [
      { type: 'text', text: 'Here is the area I like.' },
      { type: 'file', mediaType: 'image/svg+xml', filename: 'ribeira-map.svg', url: MAP_IMAGE },
    ],
  };
  await call('POST', '/v1/sessions/trip-to-lisbon/messages', key, {
    messages: [
      { role: 'system', content: 'You are a travel assistant. Answer briefly.' },
      { role: 'user', content: 'Find me a **hotel in Lisbon** near the river for three nights.' },
      {
        role: 'assistant',
        kind: 'reasoning',
        content: 'The user wants a riverside hotel: ask the hotel search tool, three nights.',
      },
      {
        role: 'assistant',
        kind: 'tool-call',
        content: '',
        format: 'ai-sdk/ui-message',
        data: JSON.stringify(toolCall),
        tool_call_ids: ['call_hotels'],
        usage: {
          model: 'gpt-x',
          provider: 'openai',
          input_tokens: 420,
          output_tokens: 38,
          latency_ms: 850,
          finish_reason: 'tool-calls',
        },
      },
      {
        role: 'tool',
        kind: 'tool-result',
        content: JSON.stringify([
          { name: 'Hotel Ribeira', price_eur: 145, river_view: true },
          { name: 'Tejo Suites', price_eur: 189, river_view: true },
        ]),
        tool_result_ids: ['call_hotels'],
      },
      {
        role: 'assistant',
        content:
          'Here are two options by the Tagus:\n\n| Hotel | Price a night |\n| --- | --- |\n| Hotel Ribeira | €145 |\n| Tejo Suites | €189 |\n\nShall I book **Hotel Ribeira**? <script>alert(1)</script>',
        usage: {
          model: 'gpt-x',
          provider: 'openai',
          input_tokens: 610,
          output_tokens: 92,
          latency_ms: 1320,
          finish_reason: 'stop',
        },
      },
      {
        role: 'user',
        content: 'Here is the area I like.',
        format: 'ai-sdk/ui-message',
        data: JSON.stringify(image),
      },
    ],
  }).then(ok('trip'));
  await call('POST', '/v1/sessions', key, {
    session_id: 'birthday-gift',
    title: 'A birthday gift for Ana',
    agent_id: 'shopping',
  }).then(ok('session'));
  await call('POST', '/v1/sessions/birthday-gift/messages', key, {
    messages: [
      { role: 'user', content: 'Ana turns 30 and loves climbing. Ideas under €80?' },
      {
        role: 'assistant',
        content:
          '1. A chalk bag with her initials\n2. A day pass at the bouldering gym\n3. *Rock Climbing Anatomy*, the book',
        usage: {
          model: 'gpt-y',
          provider: 'anthropic',
          input_tokens: 230,
          output_tokens: 64,
          latency_ms: 940,
          finish_reason: 'stop',
        },
      },
    ],
  }).then(ok('gift'));
  await call('POST', '/v1/sessions/bob-private-plans/messages', otherKey, {
    role: 'user',
    content: `The ${PRIVATE_WORD} merger plans stay between us`,
  }).then(ok('other user'));
}
