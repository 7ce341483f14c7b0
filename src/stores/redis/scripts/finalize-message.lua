-- finalize-message: ends a draft as complete, aborted or error, with its last content, data,
-- usage. A lease, when given, must be the draft's. A draft whose lease ran out reads as aborted,
-- so only 'aborted' may still finalize it. Finalizing again with the same status answers the
-- stored message and changes nothing; a message final with another status is refused (the same
-- rules as the SQL stores' finalize_message).
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms   ARGV[3] messageId   ARGV[4] lease token ('' none)
--   ARGV[5] final status   ARGV[6] the changes channel   ARGV[7] the session's signal key
--   ARGV[8..] the change, CHANGE_ARGS values
-- Publishes the signal key on the channel when it ends the draft (as checkpoint-message).
-- Returns { R.ok, now ms, message } or { R.sessionNotFound | R.messageNotFound |
-- R.leaseConflict | R.notADraft }.
if session_missing() then return { R.sessionNotFound } end
local member, h = find_message(ARGV[3])
if not member then return { R.messageNotFound } end
local now = now_us()
local now_ms = math.floor(now / 1000)
local current = effective_status(h, now_ms)
if current == ARGV[5] and h[H.status] ~= 'streaming' then
  return { R.ok, now_ms, member }
end
-- A draft whose lease ran out reads as aborted: only 'aborted' may still finalize it.
if current ~= 'streaming' and not (current == 'aborted' and ARGV[5] == 'aborted') then
  return { R.notADraft }
end
if ARGV[4] ~= '' and h[H.lease] ~= ARGV[4] then return { R.leaseConflict } end
local body = apply_changes(member, h, read_changes(8))
h[H.status] = ARGV[5]
h[H.leaseUntil] = 0
h[H.lease] = ''
h[H.version] = h[H.version] + 1
h[H.updatedAt] = now_ms
member = replace_member(member, h, body)
touch(now, tonumber(ARGV[2]))
redis.call('PUBLISH', ARGV[6], ARGV[7])
return { R.ok, now_ms, member }
