-- update-message: changes the given fields of one message and adds 1 to its version; with an
-- expected version, only if the stored one is that. Nothing changes when refused.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms   ARGV[3] messageId   ARGV[4] expected version ('' any)
--   ARGV[5] status ('' keeps it)   ARGV[6..] the change, CHANGE_ARGS values
-- Returns { R.ok, now ms, message } or { R.sessionNotFound | R.messageNotFound |
-- R.versionConflict }.
if session_missing() then return { R.sessionNotFound } end
local member, h = find_message(ARGV[3])
if not member then return { R.messageNotFound } end
if ARGV[4] ~= '' and h[H.version] ~= tonumber(ARGV[4]) then return { R.versionConflict } end
local now = now_us()
local now_ms = math.floor(now / 1000)
local body = apply_changes(member, h, read_changes(6))
if ARGV[5] ~= '' then
  h[H.status] = ARGV[5]
  if ARGV[5] ~= 'streaming' then
    h[H.leaseUntil] = 0
    h[H.lease] = ''
  end
end
h[H.version] = h[H.version] + 1
h[H.updatedAt] = now_ms
member = replace_member(member, h, body)
touch(now, tonumber(ARGV[2]))
return { R.ok, now_ms, member }
