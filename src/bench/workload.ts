import { pick, streamSeed } from './seeded-random.js';

/**
 * The data every store is measured on, generated from the seed: the same users, sessions and
 * message payloads for the stores, the sketch, the peer libraries and the floors.
 */
export interface Workload {
  seed: number;
  /** Users who own the read/write sessions: u0, u1, ... */
  users: number;
  /** Sessions per user (s0, s1, ...), each holding `historySize` messages. */
  sessionsPerUser: number;
  /** Messages per session: the window the stores keep and "read the last 50" reads. */
  historySize: number;
  /** Sessions prepared for clear_session (c0, c1, ... owned by cu<k % users>), one per op. */
  clearSessions: number;
}

export interface SessionRef {
  userId: string;
  sessionId: string;
}

export interface Payload {
  role: 'user' | 'assistant';
  content: string;
  /** Serialised JSON object: what a chat app stores (the model and token counts on answers). */
  metadata: string;
  /** The same object, parsed once here rather than in a timed loop. */
  metadataObject: Record<string, unknown>;
}

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or ' +
  'one had by word but not what all were we when your can said there use an each which she do ' +
  'how their if will up other about out many then them these so some her would make like him ' +
  'into time has look two more write go see number no way could people my than first water been'
).split(' ');

/** The n-th message payload of a stream: 80-600 characters of words, as chat turns run. */
export function payload(seed: number, n: number): Payload {
  const stream = streamSeed(seed, 'payload');
  const role = n % 2 === 0 ? 'user' : 'assistant';
  const length = 80 + pick(stream, n * 1000, 521);
  let content = '';
  for (let w = 1; content.length < length; w++) {
    content += (content ? ' ' : '') + WORDS[pick(stream, n * 1000 + w, WORDS.length)];
  }
  const metadata =
    role === 'assistant'
      ? { model: 'gpt-x', tokens: { in: 40 + (n % 200), out: Math.ceil(length / 4) } }
      : {};
  return {
    role,
    content: content.slice(0, length),
    metadata: JSON.stringify(metadata),
    metadataObject: metadata,
  };
}

/** Session k of the read/write set: user u<k % users>, session s<k / users>. */
export function readSession(workload: Workload, k: number): SessionRef {
  return { userId: `u${k % workload.users}`, sessionId: `s${Math.floor(k / workload.users)}` };
}

export function readSessionCount(workload: Workload): number {
  return workload.users * workload.sessionsPerUser;
}

/** Session k of the clear set, owned by other users so that list_sessions never sees them. */
export function clearSession(workload: Workload, k: number): SessionRef {
  return { userId: `cu${k % workload.users}`, sessionId: `c${k}` };
}

/** The payloads of a session's initial history: message m of session k, the same everywhere. */
export function historyPayload(workload: Workload, k: number, m: number): Payload {
  return payload(workload.seed, k * workload.historySize + m);
}
