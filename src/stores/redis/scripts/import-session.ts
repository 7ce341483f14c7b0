import type { ImportSessionInput, ImportSessionResult } from '../../../contract/portability.js';
import { importArgs } from '../import-codec.js';
import type { ScriptCall, WriteSettings } from '../script-call.js';
import { expectOk } from '../script-results.js';

/** import-session.lua: an exported session and a run of its messages, stored as given. */
export function importSessionCall(
  settings: WriteSettings,
  { session, messages }: ImportSessionInput,
): ScriptCall<ImportSessionResult> {
  const micros = (time: Date) => `${time.getTime()}000`;
  const args: string[] = [
    settings.sessionId,
    String(settings.ttlMs),
    String(settings.maxHistory),
    micros(session.createdAt),
    micros(session.updatedAt),
    session.agentId ?? '',
    JSON.stringify(session.title),
    JSON.stringify(session.metadata),
    String(session.lastSeq),
  ];
  for (const message of messages) args.push(...importArgs(message));
  return {
    script: 'importSession',
    keys: settings.keys,
    args,
    decode(reply) {
      const [code, inserted] = reply as [number, number];
      expectOk(code);
      return { inserted };
    },
  };
}
