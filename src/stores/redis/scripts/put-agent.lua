-- put-agent: creates or replaces an agent of the shared catalogue, keeping its createdAt.
--   KEYS[1] agent catalogue hash (agent id -> agent JSON)
--   ARGV[1] agent id   ARGV[2] body: the JSON members name/model/settings, without braces
-- Sessions may name agents that are not in the catalogue: only registered agents are listed,
-- so no user learns another's labels.
-- Returns the stored JSON. Settings are spliced in as given, never re-encoded by cjson.
local existing = redis.call('HGET', KEYS[1], ARGV[1])
local now_parts = redis.call('TIME')
local now_ms = string.format('%.0f', tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000))
local created = now_ms
if existing then created = string.match(existing, '"createdAt":(%d+)') or now_ms end
local agent = '{"agentId":"' .. ARGV[1] .. '","createdAt":' .. created .. ',"updatedAt":' ..
  now_ms .. ',' .. ARGV[2] .. '}'
redis.call('HSET', KEYS[1], ARGV[1], agent)
return agent
