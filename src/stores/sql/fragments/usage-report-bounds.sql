  -- The report's range [$2, $3) cut at whole UTC hours: lo, the first whole hour from $2; hi,
  -- where the rollup's rows end (the hour $3 falls in, or the watermark when that is earlier).
  -- Rolled-up rows are read for [lo, hi), the rest live.
  SELECT l.lo,
         greatest(l.lo, least({{schema}}.usage_hour($3::timestamptz),
                              coalesce(st.rolled_until, l.lo))) AS hi
    FROM {{schema}}.usage_rollup_state st,
         LATERAL (SELECT {{schema}}.usage_hour($2::timestamptz)
                         + CASE WHEN {{schema}}.usage_hour($2::timestamptz) = $2::timestamptz
                                THEN interval '0' ELSE interval '1 hour' END AS lo) l
