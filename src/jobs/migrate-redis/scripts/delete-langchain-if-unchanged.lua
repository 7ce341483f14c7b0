-- delete-langchain-if-unchanged: deletes one LangChain history list only if it still holds what
-- the delete pass read and verified; a message pushed since then (LangChain LPUSHes the newest to
-- the head) changes the length and the head, and the list is kept for a later run.
--   KEYS[1] the history list
--   ARGV[1] its length when read   ARGV[2] its head (LINDEX 0, the newest element) when read
-- One script, so the comparison and the UNLINK are atomic: a push can land before or after it,
-- never in between. One key, so it runs on Redis Cluster. Returns 1 if deleted, 0 if kept.
if redis.call('TYPE', KEYS[1]).ok ~= 'list' then return 0 end
if redis.call('LLEN', KEYS[1]) ~= tonumber(ARGV[1]) then return 0 end
if redis.call('LINDEX', KEYS[1], 0) ~= ARGV[2] then return 0 end
return redis.call('UNLINK', KEYS[1])
