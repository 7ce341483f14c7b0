-- usage rollups (tables: migration 0009_usage_rollups): the job that rolls the messages up into
-- usage_hourly (to five minutes ago), and the helpers reports and views share.
--
-- The job is usage_roll_up(until, max_hours), called in a loop by the store (one transaction a
-- call, so a first roll-up of a large history commits as it goes). Under a transaction-level
-- advisory lock per schema, so two instances running it at once queue and the second finds the
-- work done. A call re-rolls dirty hours first (oldest first, at most max_hours), then moves the
-- watermark on by at most max_hours. Rolling an hour is delete-then-insert: idempotent.
--
-- The watermark is a time, not an hour: a roll-up goes up to five minutes ago (usage-roll-up.sql),
-- so the hour it ends in is rolled up in part (its row holds the messages before the watermark)
-- and reports read live only what came after. The next roll-up rebuilds that hour from its start.
-- Rolling up only closed hours left up to an hour of messages to read live, which was half of an
-- everyone-report's time at 10 million messages (docs/BENCHMARKS.md, Usage and search).

-- The UTC hour a time falls in, whatever the session's TimeZone.
CREATE OR REPLACE FUNCTION {{schema}}.usage_hour(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_trunc('hour', t AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
$$;

-- Latency histogram bucket: four per doubling of (ms + 1), so a bucket spans 19 %. NULL: none.
CREATE OR REPLACE FUNCTION {{schema}}.usage_latency_bucket(ms bigint) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ms IS NOT NULL THEN floor(4 * ln(greatest(ms, 0)::float8 + 1) / ln(2)) END
         ::smallint
$$;

-- The value a bucket stands for: its geometric middle (within 9 % of every latency in it).
CREATE OR REPLACE FUNCTION {{schema}}.usage_latency_ms(bucket integer) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT power(2::float8, (bucket + 0.5) / 4) - 1
$$;

-- A quantile q of `total` latencies as percentile_cont computes it (linear between the two
-- nearest ranks), each rank's latency read off its bucket: p_lo holds rank floor(q (total-1)),
-- p_hi rank ceil(q (total-1)) (0-based). Rounded to 0.1 ms; NULL when there is no latency.
CREATE OR REPLACE FUNCTION {{schema}}.usage_latency_quantile(
  p_lo integer, p_hi integer, q float8, total bigint
) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round(({{schema}}.usage_latency_ms(p_lo)
                + (q * (total - 1) - floor(q * (total - 1)))
                  * ({{schema}}.usage_latency_ms(p_hi) - {{schema}}.usage_latency_ms(p_lo))
               )::numeric, 1)::float8
   WHERE total > 0
$$;

-- A merged histogram (dense, index = bucket + 1) from the sparse ones of many rows.
CREATE OR REPLACE FUNCTION {{schema}}.usage_histogram_add(
  state integer[], buckets smallint[], counts integer[]
) RETURNS integer[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  state := coalesce(state, '{}');
  FOR i IN 1 .. coalesce(array_length(buckets, 1), 0) LOOP
    state[buckets[i] + 1] := coalesce(state[buckets[i] + 1], 0) + counts[i];
  END LOOP;
  RETURN state;
END;
$$;

-- A quantile of a dense histogram (see usage_latency_quantile); NULL when it is empty.
CREATE OR REPLACE FUNCTION {{schema}}.usage_histogram_quantile(dense integer[], q float8)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT {{schema}}.usage_latency_quantile(
           min(b) FILTER (WHERE below > floor(q * (total - 1)))::integer,
           min(b) FILTER (WHERE below > ceil(q * (total - 1)))::integer,
           q, max(total)::bigint)
    FROM (SELECT b - 1 AS b,
                 sum(coalesce(n, 0)) OVER (ORDER BY b) AS below,
                 sum(coalesce(n, 0)) OVER () AS total
            FROM unnest(dense) WITH ORDINALITY AS h(n, b)) x
   WHERE total > 0
$$;

DROP AGGREGATE IF EXISTS {{schema}}.usage_latency_histogram(smallint[], integer[]);
CREATE AGGREGATE {{schema}}.usage_latency_histogram(smallint[], integer[]) (
  SFUNC = {{schema}}.usage_histogram_add,
  STYPE = integer[]
);

-- The rollup rows of the messages created in [p_from, p_to), of one user (NULL: everyone): what
-- usage_hourly holds for those hours once rolled up, and what reports and views read live for
-- the hours after the watermark. SQL and STABLE, so the planner inlines it into its caller.
-- Messages are summed first and each row then looks its session up (agent, created_at) by key:
-- joined before, the planner hashed every session of the table to read one live hour (110 of
-- 190 ms at 2 million messages, and growing with the sessions), as it cannot know how few
-- messages an hour after the watermark holds.
CREATE OR REPLACE FUNCTION {{schema}}.usage_hours_of(
  p_from timestamptz, p_to timestamptz, p_user_id text
) RETURNS SETOF {{schema}}.usage_hourly LANGUAGE sql STABLE AS $$
  WITH per_bucket AS (
    SELECT {{schema}}.usage_hour(m.created_at) AS hour, m.user_id, m.session_id, m.model,
           {{schema}}.usage_latency_bucket(m.latency_ms) AS bucket,
           count(*) AS messages,
           count(*) FILTER (WHERE m.role = 'system') AS system_messages,
           count(*) FILTER (WHERE m.role = 'user') AS user_messages,
           count(*) FILTER (WHERE m.role = 'assistant') AS assistant_messages,
           count(*) FILTER (WHERE m.role = 'tool') AS tool_messages,
           coalesce(sum(m.input_tokens), 0) AS input_tokens,
           coalesce(sum(m.output_tokens), 0) AS output_tokens,
           coalesce(sum(m.reasoning_tokens), 0) AS reasoning_tokens,
           coalesce(sum(m.cached_input_tokens), 0) AS cached_input_tokens
      FROM {{schema}}.messages m
     WHERE m.created_at >= p_from AND m.created_at < p_to
       AND (p_user_id IS NULL OR m.user_id = p_user_id)
     GROUP BY 1, 2, 3, 4, 5
  ),
  per_row AS (
    SELECT hour, user_id, session_id, model,
           sum(messages)::integer AS messages, sum(system_messages)::integer AS system_messages,
           sum(user_messages)::integer AS user_messages,
           sum(assistant_messages)::integer AS assistant_messages,
           sum(tool_messages)::integer AS tool_messages,
           sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
           sum(reasoning_tokens)::bigint AS reasoning_tokens,
           sum(cached_input_tokens)::bigint AS cached_input_tokens,
           coalesce(array_agg(bucket ORDER BY bucket) FILTER (WHERE bucket IS NOT NULL), '{}')
             AS latency_buckets,
           coalesce(array_agg(messages::integer ORDER BY bucket) FILTER (WHERE bucket IS NOT NULL),
                    '{}') AS latency_counts
      FROM per_bucket
     GROUP BY 1, 2, 3, 4
  )
  SELECT r.hour, r.user_id, r.session_id, s.agent_id, r.model, s.created_at, r.messages,
         r.system_messages, r.user_messages, r.assistant_messages, r.tool_messages,
         r.input_tokens, r.output_tokens, r.reasoning_tokens, r.cached_input_tokens,
         r.latency_buckets, r.latency_counts
    FROM per_row r
    -- LIMIT 1 keeps the lookup a subquery run per row (an index probe), never a hash of all.
    JOIN LATERAL (SELECT ss.agent_id, ss.created_at
                    FROM {{schema}}.sessions ss
                   WHERE ss.user_id = r.user_id AND ss.session_id = r.session_id
                   LIMIT 1) s ON true
$$;

-- Rolls the messages of [p_from, p_to) up again (p_from a whole UTC hour; p_to one too, or the
-- new watermark inside an hour): what usage_hourly and usage_hourly_totals held for the hours
-- that start in the range is replaced by what messages hold now. Returns the usage_hourly rows
-- written.
CREATE OR REPLACE FUNCTION {{schema}}.usage_roll_hours(p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM {{schema}}.usage_hourly WHERE hour >= p_from AND hour < p_to;
  INSERT INTO {{schema}}.usage_hourly SELECT * FROM {{schema}}.usage_hours_of(p_from, p_to, NULL);
  GET DIAGNOSTICS written = ROW_COUNT;
  -- The user-less level (0010, functions/12_usage_totals.sql), from the rows just written.
  PERFORM {{schema}}.usage_roll_totals(p_from, p_to);
  RETURN written;
END;
$$;

-- Marks the rolled-up hours of [p_from, p_to) dirty (a rebuild): re-rolled by the next calls.
CREATE OR REPLACE FUNCTION {{schema}}.usage_mark_dirty(p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  marked integer;
BEGIN
  INSERT INTO {{schema}}.usage_dirty_hours (hour)
  SELECT h
    FROM {{schema}}.usage_rollup_state st,
         generate_series({{schema}}.usage_hour(p_from), p_to - interval '1 microsecond',
                         interval '1 hour') AS h
   WHERE h < st.rolled_until
      ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS marked = ROW_COUNT;
  RETURN marked;
END;
$$;

-- One step of the job: dirty hours first (each up to the watermark: an hour it ends in is rolled
-- only that far), then the watermark towards p_until, rebuilding the hour it stood in from that
-- hour's start.
-- Returns {"rolledUntil", "hours", "dirtyHours", "rows", "done"}; done: nothing is left to do.
CREATE OR REPLACE FUNCTION {{schema}}.usage_roll_up(p_until timestamptz, p_max_hours integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  mark timestamptz;
  next_mark timestamptz;
  dirty timestamptz;
  dirty_done integer := 0;
  written integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('convstore:usage-rollup:{{schema}}'));
  SELECT rolled_until INTO mark FROM {{schema}}.usage_rollup_state FOR UPDATE;
  FOR dirty IN
    SELECT hour FROM {{schema}}.usage_dirty_hours ORDER BY hour LIMIT p_max_hours
  LOOP
    written := written + {{schema}}.usage_roll_hours(dirty, least(dirty + interval '1 hour', mark));
    DELETE FROM {{schema}}.usage_dirty_hours WHERE hour = dirty;
    dirty_done := dirty_done + 1;
  END LOOP;
  IF mark IS NULL THEN
    -- First run: from the oldest message (one scan, once), or from now when there is none.
    SELECT {{schema}}.usage_hour(min(created_at)) INTO mark FROM {{schema}}.messages;
    mark := least(coalesce(mark, p_until), p_until);
  END IF;
  -- Less than a minute to add: not worth rebuilding the hour, so a roll-up right after another
  -- (or beside it, queued on the lock) does nothing.
  IF p_until - mark < interval '1 minute' THEN
    p_until := mark;
  END IF;
  next_mark := greatest(mark, least(p_until, mark + p_max_hours * interval '1 hour'));
  IF next_mark > mark THEN
    written := written + {{schema}}.usage_roll_hours({{schema}}.usage_hour(mark), next_mark);
  END IF;
  UPDATE {{schema}}.usage_rollup_state SET rolled_until = next_mark, updated_at = now();
  RETURN jsonb_build_object(
    'rolledUntil', next_mark,
    'hours', extract(epoch FROM next_mark - mark) / 3600,
    'dirtyHours', dirty_done,
    'rows', written,
    'done', next_mark >= p_until AND NOT EXISTS (SELECT 1 FROM {{schema}}.usage_dirty_hours));
END;
$$;
