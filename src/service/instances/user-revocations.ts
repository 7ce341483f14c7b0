import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../auth/authenticator.js';
import type { InstanceRedis } from './instance-redis.js';

/**
 * Drops a user's cached API keys once the user is erased. Alone (no Redis), only this instance's
 * cache: other instances keep a key they verified for up to AUTH_CACHE_SECONDS. With a Redis,
 * every instance subscribes to one channel under the key prefix, and `forgetUser` returns once
 * every subscribed instance has confirmed it dropped the user (or REVOCATION_WAIT_MS passed), so
 * that when the erase is answered no instance still accepts the user's keys.
 */
export interface UserRevocations {
  /** True when every instance confirmed; false when some did not within the wait. */
  forgetUser(userId: string): Promise<boolean>;
  close(): Promise<void>;
}

export function localRevocations(authenticator: Authenticator): UserRevocations {
  return {
    forgetUser(userId) {
      authenticator.forgetUser(userId);
      return Promise.resolve(true);
    },
    close: () => Promise.resolve(),
  };
}

interface Pending {
  acks: number;
  /** Subscribers the message reached (PUBLISH's answer), once known. */
  expected: number | null;
  done: () => void;
}

/**
 * The channel protocol: `<prefix>service:revocations` carries `{ id, userId }`; every instance,
 * this one included, drops the user and publishes the id on `<prefix>service:revocation-acks`.
 * The sender waits for as many acks as PUBLISH said it reached subscribers.
 */
export async function sharedRevocations(
  authenticator: Authenticator,
  redis: InstanceRedis,
  options: { keyPrefix: string; waitMs: number; onError: (error: unknown) => void },
): Promise<UserRevocations> {
  const channel = `${options.keyPrefix}service:revocations`;
  const acks = `${options.keyPrefix}service:revocation-acks`;
  const pending = new Map<string, Pending>();

  const settle = (entry: Pending) => {
    if (entry.expected !== null && entry.acks >= entry.expected) entry.done();
  };
  redis.subscriber.on('message', (from: string, text: string) => {
    if (from === channel) {
      const message = parse(text);
      if (!message) return;
      authenticator.forgetUser(message.userId);
      redis.commands.publish(acks, message.id).catch(options.onError);
    } else if (from === acks) {
      const entry = pending.get(text);
      if (!entry) return;
      entry.acks++;
      settle(entry);
    }
  });
  await redis.subscriber.subscribe(channel, acks);

  return {
    async forgetUser(userId) {
      authenticator.forgetUser(userId);
      const id = randomUUID();
      let timer: NodeJS.Timeout | undefined;
      let confirmed = false;
      const all = new Promise<void>((resolve) => {
        const entry: Pending = {
          acks: 0,
          expected: null,
          done: () => {
            confirmed = true;
            resolve();
          },
        };
        pending.set(id, entry);
        timer = setTimeout(resolve, options.waitMs);
        redis.commands
          .publish(channel, JSON.stringify({ id, userId }))
          .then((reached) => {
            entry.expected = reached;
            settle(entry);
          })
          .catch((error: unknown) => {
            options.onError(error);
            resolve();
          });
      });
      try {
        await all;
      } finally {
        clearTimeout(timer);
        pending.delete(id);
      }
      return confirmed;
    },
    async close() {
      await redis.subscriber.unsubscribe(channel, acks).catch(() => {});
    },
  };
}

function parse(text: string): { id: string; userId: string } | null {
  try {
    const value = JSON.parse(text) as { id?: unknown; userId?: unknown };
    if (typeof value.id === 'string' && typeof value.userId === 'string') {
      return { id: value.id, userId: value.userId };
    }
  } catch {
    // Not ours: another writer on the channel. Ignored.
  }
  return null;
}
