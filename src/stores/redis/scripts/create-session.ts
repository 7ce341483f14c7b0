import type { Metadata, Session } from '../../../contract/types.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';
import { hashFromList, sessionFromHash } from '../session-codec.js';

/** create-session.lua: a new empty session (refused when the user has a live one of that id). */
export function createSessionCall(
  settings: WriteSettings & { userId: string },
  fields: { agentId: string | null; title: string | null; metadata: Metadata },
): ScriptCall<Session> {
  return {
    script: 'createSession',
    keys: settings.keys,
    args: [
      settings.sessionId,
      String(settings.ttlMs),
      fields.agentId ?? '',
      JSON.stringify(fields.title),
      JSON.stringify(fields.metadata),
    ],
    decode: (reply) => decodeSession(settings, reply),
  };
}

/** A reply { code, session hash (flat) }. */
export function decodeSession(
  settings: { userId: string; sessionId: string },
  reply: unknown,
): Session {
  const [code, hash] = reply as [number, string[]];
  expectOk(code);
  return sessionFromHash(settings.userId, settings.sessionId, hashFromList(hash));
}
