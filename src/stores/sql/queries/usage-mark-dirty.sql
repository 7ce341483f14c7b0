-- usage-mark-dirty: a rebuild of [$1, $2): the rolled-up hours of the range are marked dirty,
-- read live until the roll-up that follows rolls them up again. Returns the hours marked.
SELECT {{schema}}.usage_mark_dirty($1::timestamptz, $2::timestamptz) AS marked
