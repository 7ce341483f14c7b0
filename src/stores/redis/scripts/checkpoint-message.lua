-- checkpoint-message: replaces a streaming draft's content/data (and call links, token count)
-- and extends its lease; only the holder of the live lease may. Adds 1 to the version.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms   ARGV[3] messageId   ARGV[4] lease token
--   ARGV[5] the changes channel   ARGV[6] the session's signal key (an opaque hash)
--   ARGV[7..] the change, CHANGE_ARGS values
-- Publishes the signal key on the channel when it changes the draft (its followers wake; in the
-- script, so the checkpoint stays one round trip; PUBLISH names no key, so a Cluster allows it).
-- Returns { R.ok, now ms, message } or { R.sessionNotFound | R.messageNotFound |
-- R.leaseConflict }.
if session_missing() then return { R.sessionNotFound } end
local member, h = find_message(ARGV[3])
if not member then return { R.messageNotFound } end
local now = now_us()
local now_ms = math.floor(now / 1000)
if effective_status(h, now_ms) ~= 'streaming' or h[H.lease] ~= ARGV[4] then
  return { R.leaseConflict }
end
local body = apply_changes(member, h, read_changes(7))
h[H.leaseUntil] = now_ms + h[H.leaseMs]
h[H.version] = h[H.version] + 1
h[H.updatedAt] = now_ms
member = replace_member(member, h, body)
touch(now, tonumber(ARGV[2]))
redis.call('PUBLISH', ARGV[5], ARGV[6])
return { R.ok, now_ms, member }
