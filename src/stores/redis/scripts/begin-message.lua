-- begin-message: starts a streaming draft: it takes its seq now (order follows when generation
-- started), status 'streaming', under a lease (a token and an expiry that each checkpoint
-- extends). Creates the session when missing. A messageId already stored is refused (as by the
-- SQL stores): a draft is begun once, and its lease goes to that caller only.
--   KEYS: the session keys (layout.ts SESSION_KEYS)
--   ARGV[1] session id   ARGV[2] ttl ms   ARGV[3] max history   ARGV[4] agent id ('' keeps)
--   ARGV[5] lease token   ARGV[6] lease ms   ARGV[7..] the draft, MSG_ARGS values
-- Returns { R.ok, now ms, message, lease token } or { R.draftIdTaken }.
local now = now_us()
local now_ms = math.floor(now / 1000)
local fresh = session_missing()
local m = new_message(7)
if not fresh and seq_of_id(m.id) then return { R.draftIdTaken } end
if fresh then start_session(now) end
local lease_ms = tonumber(ARGV[6])
local member = insert_message(m, now_ms, ARGV[5], now_ms + lease_ms, lease_ms)
local message = member
trim(tonumber(ARGV[3]))
if ARGV[4] ~= '' then redis.call('HSET', K.meta, F.agentId, ARGV[4]) end
touch(now, tonumber(ARGV[2]))
return { R.ok, now_ms, message, ARGV[5] }
