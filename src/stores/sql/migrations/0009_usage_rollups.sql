-- 0009_usage_rollups: usage reports over millions of messages read hourly rollups instead of
-- every message. Nothing here touches the append path: no trigger on messages; the rollup job
-- (functions/10_usage_rollup.sql, `convstore db rollup`, the service's scheduled cleanup) rolls
-- closed hours up after the fact, and reports read the hours after its watermark live.
--
-- One row per UTC hour, user, session, agent and model with the sums of that hour's messages.
-- The session stays in the key so that sessions and active sessions (distinct counts) stay exact
-- across hours, days and time zones; hours are UTC so that a day in any whole-hour time zone is
-- a whole number of them. Latencies are a sparse histogram: log-spaced buckets (four per
-- doubling, see usage_latency_bucket) and their counts, so percentiles are approximated.
CREATE TABLE {{schema}}.usage_hourly (
  hour                timestamptz NOT NULL,
  user_id             text        NOT NULL,
  session_id          text        NOT NULL,
  agent_id            text,
  model               text,
  -- The session's created_at when rolled up (sessions started in a report's range and day).
  session_created_at  timestamptz NOT NULL,
  messages            integer     NOT NULL,
  system_messages     integer     NOT NULL,
  user_messages       integer     NOT NULL,
  assistant_messages  integer     NOT NULL,
  tool_messages       integer     NOT NULL,
  input_tokens        bigint      NOT NULL,
  output_tokens       bigint      NOT NULL,
  reasoning_tokens    bigint      NOT NULL,
  cached_input_tokens bigint      NOT NULL,
  latency_buckets     smallint[]  NOT NULL DEFAULT '{}',
  latency_counts      integer[]   NOT NULL DEFAULT '{}'
);

-- Everyone's report reads a range of hours; one user's, that user's range.
CREATE INDEX usage_hourly_by_hour ON {{schema}}.usage_hourly (hour);
CREATE INDEX usage_hourly_by_user ON {{schema}}.usage_hourly (user_id, hour);

-- The watermark: every hour before rolled_until is in usage_hourly (NULL: nothing rolled yet).
CREATE TABLE {{schema}}.usage_rollup_state (
  only_row     boolean     PRIMARY KEY DEFAULT true CHECK (only_row),
  rolled_until timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO {{schema}}.usage_rollup_state DEFAULT VALUES;

-- Hours before the watermark whose messages changed after they were rolled up (an import of old
-- messages, a rebuild asked for): reports read them live until the job rolls them up again.
CREATE TABLE {{schema}}.usage_dirty_hours (
  hour      timestamptz PRIMARY KEY,
  marked_at timestamptz NOT NULL DEFAULT now()
);

-- Statistics from the start: never analysed, a one-page table is taken for some 1,800 rows, and
-- every report joins both, which made the planner sort a million estimated rows on disk (ten
-- times slower at 200,000 messages). Autovacuum keeps them current from here.
ANALYZE {{schema}}.usage_rollup_state, {{schema}}.usage_dirty_hours;

-- The job and the live tail of a report read messages by time alone. A BRIN index costs an
-- append next to nothing (the newest pages are unsummarised until VACUUM) and finds the recent
-- hours of an append-ordered table by skipping every older block range.
CREATE INDEX messages_by_time ON {{schema}}.messages USING brin (created_at);

-- The daily views of 0008 read every message; they come back fed by the rollup, with the hourly
-- view under them, in functions/11_usage_views.sql (after the functions they call).
DROP VIEW {{schema}}.usage_daily;
DROP VIEW {{schema}}.usage_active_users_daily;
