import type { Metadata, Session } from '../../../contract/types.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { decodeSession } from './create-session.js';

/** update-session.lua: the given session fields (undefined keeps one). */
export function updateSessionCall(
  settings: WriteSettings & { userId: string },
  fields: { agentId?: string | null; title?: string | null; metadata?: Metadata },
): ScriptCall<Session> {
  const flag = (value: unknown) => (value === undefined ? '0' : '1');
  return {
    script: 'updateSession',
    keys: settings.keys,
    args: [
      settings.sessionId,
      String(settings.ttlMs),
      flag(fields.agentId),
      fields.agentId ?? '',
      flag(fields.title),
      JSON.stringify(fields.title ?? null),
      flag(fields.metadata),
      JSON.stringify(fields.metadata ?? {}),
    ],
    decode: (reply) => decodeSession(settings, reply),
  };
}
