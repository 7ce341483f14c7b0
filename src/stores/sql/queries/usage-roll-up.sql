-- usage-roll-up: one step of the usage rollup (functions/10_usage_rollup.sql), up to the last
-- UTC hour that ended at least five minutes ago: an append commits within that, so no message
-- lands in an hour after it was rolled up (imports mark theirs dirty instead).
--   $1 hours per step.
SELECT {{schema}}.usage_roll_up({{schema}}.usage_hour(now() - interval '5 minutes'),
                                $1::integer) AS step
