-- usage-roll-up: one step of the usage rollup (functions/10_usage_rollup.sql), up to five minutes
-- ago: an append commits within that, so no message lands before the watermark after a roll-up
-- passed it (imports and late write-behind flushes mark their hours dirty instead).
--   $1 hours per step.
SELECT {{schema}}.usage_roll_up(now() - interval '5 minutes', $1::integer) AS step
