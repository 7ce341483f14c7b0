dirty AS (
  -- The rolled-up hours the inserted rows (a CTE `inserted` returning created_at) fall before the
  -- watermark in: marked dirty, read live, then rolled up again by the next roll-up.
  INSERT INTO {{schema}}.usage_dirty_hours (hour)
  SELECT DISTINCT {{schema}}.usage_hour(i.created_at)
    FROM inserted i, {{schema}}.usage_rollup_state st
   WHERE i.created_at < st.rolled_until
      ON CONFLICT DO NOTHING
)
