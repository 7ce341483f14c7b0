-- usage totals (table: migration 0010_usage_totals): the user-less rollup level everyone-reports
-- read, and the distinct-count sketches that let its rows merge.
--
-- A sketch is a multi-resolution bitmap (Estan, Varghese, Fisk 2003) in one bit string of 16
-- levels of 1,024 bits: an element's hash picks a level (level j with probability 2^-(j+1), the
-- last level takes the rest) and a bit in it. Sketches of any rows merge with the built-in
-- bit_or, so a report ORs the rows of its range and counts once. The count is linear counting
-- (-b ln(zero fraction)) summed over the levels from the first one less than 80 % full, scaled by
-- the share of elements those levels hold: below about 6,000 elements that is every level, i.e.
-- plain linear counting of 16 Ki bits (within 1 of the exact count below about 150 elements, 0.3 %
-- at 6,000); above, a standard error of about 0.5/sqrt(1024) = 1.6 % (within 5 % at 3 sigma) at
-- any size up to some 100 million elements. Bounds measured: see the README, Usage analytics.

-- The bit of a sketch an element (a text key) sets: level * 1024 + position, from one 64-bit
-- hash (the position from its low 10 bits, the level from the leading zeros of the next 52).
-- One expression (the hash twice), so the planner inlines it into the roll-up's aggregate.
CREATE OR REPLACE FUNCTION {{schema}}.usage_sketch_index(element text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (least(15, 51 - floor(ln(greatest(1, (hashtextextended(element, 0) >> 10)
                                               & 4503599627370495)::float8) / ln(2)))
          * 1024 + (hashtextextended(element, 0) & 1023))::integer
$$;

-- The sketch of a set of element bits (duplicates allowed): 16,384 bits, written as text in one
-- pass (runs of zeros between the set bits) and cast, not set bit by bit (a copy each).
CREATE OR REPLACE FUNCTION {{schema}}.usage_sketch_of(bits integer[]) RETURNS bit varying
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT rpad(coalesce(string_agg(repeat('0', i - coalesce(p, -1) - 1) || '1', '' ORDER BY i),
                       ''), 16384, '0')::bit varying
    FROM (SELECT i, lag(i) OVER (ORDER BY i) AS p
            FROM (SELECT DISTINCT i FROM unnest(bits) AS u(i) WHERE i IS NOT NULL) d) x
$$;

-- The estimated count of distinct elements in a (merged) sketch; 0 for NULL.
CREATE OR REPLACE FUNCTION {{schema}}.usage_sketch_count(sketch bit varying) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH levels AS (
    SELECT j, 1024 - bit_count(substring(sketch FROM j * 1024 + 1 FOR 1024)) AS zeros
      FROM generate_series(0, 15) AS j
     WHERE sketch IS NOT NULL
  ),
  -- The first level from which on every level is less than 80 % full (all full: the last one,
  -- whose count is then a lower bound).
  first_level AS (
    SELECT least(15, coalesce(max(j) FILTER (WHERE zeros < 205) + 1, 0)) AS f FROM levels
  )
  SELECT coalesce(round(power(2::float8, f.f)
                        * sum(-1024 * ln(greatest(l.zeros, 1)::float8 / 1024)))::bigint, 0)
    FROM first_level f
    LEFT JOIN levels l ON l.j >= f.f
   GROUP BY f.f
$$;

-- The totals rows (the shape of usage_hourly_totals) of the hours in [p_from, p_to): from
-- usage_hourly when p_rolled (the roll-up job, right after it wrote them), else live from
-- messages (the hours a report reads live). A session counts as started in a row when it was
-- created in the row's hour and in [p_started_from, p_started_to) (a report's range).
CREATE OR REPLACE FUNCTION {{schema}}.usage_totals_of(
  p_from timestamptz, p_to timestamptz,
  p_started_from timestamptz, p_started_to timestamptz, p_rolled boolean
) RETURNS SETOF {{schema}}.usage_hourly_totals LANGUAGE sql STABLE AS $$
  WITH source AS (
    SELECT r.* FROM {{schema}}.usage_hourly r
     WHERE p_rolled AND r.hour >= p_from AND r.hour < p_to
    UNION ALL
    SELECT h.* FROM {{schema}}.usage_hours_of(p_from, p_to, NULL) h WHERE NOT p_rolled
  ),
  keyed AS (
    SELECT s.*,
           {{schema}}.usage_sketch_index(s.user_id || E'\x1f' || s.session_id) AS session_bit,
           s.session_created_at >= p_started_from AND s.session_created_at < p_started_to
             AND {{schema}}.usage_hour(s.session_created_at) = s.hour AS started
      FROM source s
  ),
  totals AS (
    SELECT hour, agent_id, model,
           sum(messages)::bigint AS messages, sum(system_messages)::bigint AS system_messages,
           sum(user_messages)::bigint AS user_messages,
           sum(assistant_messages)::bigint AS assistant_messages,
           sum(tool_messages)::bigint AS tool_messages,
           sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens,
           sum(reasoning_tokens)::bigint AS reasoning_tokens,
           sum(cached_input_tokens)::bigint AS cached_input_tokens,
           {{schema}}.usage_sketch_of(array_agg(session_bit)) AS active_sessions,
           {{schema}}.usage_sketch_of(array_agg({{schema}}.usage_sketch_index(user_id)))
             AS active_users,
           {{schema}}.usage_sketch_of(array_agg(session_bit) FILTER (WHERE started))
             AS started_sessions
      FROM keyed
     GROUP BY 1, 2, 3
  ),
  histograms AS (
    SELECT hour, agent_id, model, array_agg(bucket ORDER BY bucket) AS buckets,
           array_agg(n ORDER BY bucket) AS counts
      FROM (SELECT s.hour, s.agent_id, s.model, b.bucket, sum(b.n)::integer AS n
              FROM source s, unnest(s.latency_buckets, s.latency_counts) AS b(bucket, n)
             GROUP BY 1, 2, 3, 4) per_bucket
     GROUP BY 1, 2, 3
  )
  SELECT t.hour, t.agent_id, t.model, t.messages, t.system_messages, t.user_messages,
         t.assistant_messages, t.tool_messages, t.input_tokens, t.output_tokens,
         t.reasoning_tokens, t.cached_input_tokens,
         coalesce(h.buckets, '{}'), coalesce(h.counts, '{}'),
         t.active_sessions, t.active_users, t.started_sessions
    FROM totals t
    LEFT JOIN histograms h
      ON h.hour = t.hour AND h.agent_id IS NOT DISTINCT FROM t.agent_id
     AND h.model IS NOT DISTINCT FROM t.model
$$;

-- Rolls the totals of [p_from, p_to) again from usage_hourly (called by usage_roll_hours, in its
-- transaction, right after it rolled those hours). Returns the rows written.
CREATE OR REPLACE FUNCTION {{schema}}.usage_roll_totals(p_from timestamptz, p_to timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM {{schema}}.usage_hourly_totals WHERE hour >= p_from AND hour < p_to;
  INSERT INTO {{schema}}.usage_hourly_totals
  SELECT * FROM {{schema}}.usage_totals_of(p_from, p_to, '-infinity', 'infinity', true);
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END;
$$;
