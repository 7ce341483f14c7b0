-- delete-messages: deletes the messages with these ids; ids not there are not counted.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms   ARGV[3..] messageIds
-- Returns { R.ok, deleted } or { R.sessionNotFound }.
if session_missing() then return { R.sessionNotFound } end
local deleted = 0
for i = 3, #ARGV do
  local member = find_message(ARGV[i])
  if member then
    remove_message(member)
    deleted = deleted + 1
  end
end
if deleted > 0 then touch(now_us(), tonumber(ARGV[2])) end
return { R.ok, deleted }
