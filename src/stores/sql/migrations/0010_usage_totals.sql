-- 0010_usage_totals: a second, user-less rollup level for everyone-reports (the admin's view).
--
-- usage_hourly (0009) keeps user and session in its key so that a user's report and its distinct
-- counts are exact; an everyone-report over 30 days therefore aggregates every user-session-hour
-- (1-2 million rows at 10 million messages: seconds). This level holds one row per UTC hour,
-- agent and model (a few thousand rows a month), filled by the same roll-up job in the same
-- transaction as usage_hourly, from the rows it has just written (functions/12_usage_totals.sql).
--
-- Sums and the latency histogram merge exactly. Distinct counts cannot be summed across rows, so
-- each row carries three distinct-count sketches (see usage_sketch_* in 12_usage_totals.sql):
-- fixed-size bit strings OR-ed together with the built-in bit_or and counted by linear counting,
-- near-exact for small counts and within a few percent at any size (bounds in the README).
CREATE TABLE {{schema}}.usage_hourly_totals (
  hour                timestamptz NOT NULL,
  agent_id            text,
  model               text,
  messages            bigint      NOT NULL,
  system_messages     bigint      NOT NULL,
  user_messages       bigint      NOT NULL,
  assistant_messages  bigint      NOT NULL,
  tool_messages       bigint      NOT NULL,
  input_tokens        bigint      NOT NULL,
  output_tokens       bigint      NOT NULL,
  reasoning_tokens    bigint      NOT NULL,
  cached_input_tokens bigint      NOT NULL,
  latency_buckets     smallint[]  NOT NULL DEFAULT '{}',
  latency_counts      integer[]   NOT NULL DEFAULT '{}',
  -- Sketches of the (user, session) pairs seen in the row, of the users seen, and of the pairs
  -- seen whose session was created in the row's hour (a report's "sessions": started in range).
  active_sessions     bit varying NOT NULL,
  active_users        bit varying NOT NULL,
  started_sessions    bit varying NOT NULL
);

-- A report reads a range of hours.
CREATE INDEX usage_hourly_totals_by_hour ON {{schema}}.usage_hourly_totals (hour);

-- The sketches are 2 KB each and mostly sparse: compressed but kept in the row (MAIN), so a
-- report reads pages, not a TOAST index lookup per value. The histogram arrays too: a row over
-- 2 KB before compression would otherwise have them moved out first (8,651 TOAST reads for
-- 2,161 rows, measured).
ALTER TABLE {{schema}}.usage_hourly_totals
  ALTER COLUMN active_sessions SET STORAGE MAIN,
  ALTER COLUMN active_users SET STORAGE MAIN,
  ALTER COLUMN started_sessions SET STORAGE MAIN,
  ALTER COLUMN latency_buckets SET STORAGE MAIN,
  ALTER COLUMN latency_counts SET STORAGE MAIN;

-- Hours rolled up before this level existed have no rows in it: marked dirty, so reports read
-- them live until the next roll-up rolls both levels again (idempotent for usage_hourly).
INSERT INTO {{schema}}.usage_dirty_hours (hour)
SELECT DISTINCT hour FROM {{schema}}.usage_hourly
    ON CONFLICT DO NOTHING;
