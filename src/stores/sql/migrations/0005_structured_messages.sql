-- 0005_structured_messages: messages as AI frameworks keep them.
--
-- Every column is added with a constant default or none, so PostgreSQL records the default in
-- the catalogue instead of rewriting the table: the migration takes its lock for milliseconds
-- whatever the table's size, and existing messages read as plain, complete messages. The CHECKs
-- are added NOT VALID (no scan under the lock) and validated after, which only reads.
--
--   data            the framework's own message or item as JSON text, byte for byte (text, not
--                   jsonb: jsonb reorders keys, drops duplicates and refuses \u0000)
--   format          the name of data's shape (ai-sdk/ui-message, openai-agents/item, ...)
--   kind            message, tool-call, tool-result, reasoning, compaction, other
--   tool_call_ids   the calls this message opens; tool_result_ids the calls it answers
--   status          complete, streaming, aborted, error; version counts changes; updated_at
--                   NULL means "never changed" (= created_at)
--   usage columns   model, provider, token counts, latency, finish reason (all optional)
--   token_count     the message's own tokens, for budget windows (NULL: estimated on read)
--   fingerprint     hash of the append that stored it: a retry with another is a mismatch
--   lease_*         the lease of a streaming draft
ALTER TABLE {{schema}}.messages
  ADD COLUMN data                text,
  ADD COLUMN format              text,
  ADD COLUMN kind                text    NOT NULL DEFAULT 'message',
  ADD COLUMN tool_call_ids       text[]  NOT NULL DEFAULT '{}',
  ADD COLUMN tool_result_ids     text[]  NOT NULL DEFAULT '{}',
  ADD COLUMN status              text    NOT NULL DEFAULT 'complete',
  ADD COLUMN version             integer NOT NULL DEFAULT 1,
  ADD COLUMN updated_at          timestamptz,
  ADD COLUMN model               text,
  ADD COLUMN provider            text,
  ADD COLUMN input_tokens        bigint,
  ADD COLUMN output_tokens       bigint,
  ADD COLUMN total_tokens        bigint,
  ADD COLUMN reasoning_tokens    bigint,
  ADD COLUMN cached_input_tokens bigint,
  ADD COLUMN latency_ms          bigint,
  ADD COLUMN finish_reason       text,
  ADD COLUMN token_count         integer,
  ADD COLUMN fingerprint         text,
  ADD COLUMN lease_token         text,
  ADD COLUMN lease_ms            integer,
  ADD COLUMN lease_expires_at    timestamptz;

ALTER TABLE {{schema}}.messages
  ADD CONSTRAINT messages_kind_check CHECK (
    kind IN ('message', 'tool-call', 'tool-result', 'reasoning', 'compaction', 'other')
  ) NOT VALID,
  ADD CONSTRAINT messages_status_check CHECK (
    status IN ('complete', 'streaming', 'aborted', 'error')
  ) NOT VALID;
ALTER TABLE {{schema}}.messages VALIDATE CONSTRAINT messages_kind_check;
ALTER TABLE {{schema}}.messages VALIDATE CONSTRAINT messages_status_check;

-- Which message opened each tool call, so a pair-aligned window finds a result's call with one
-- index probe. Rows go with their message (a pop, truncate or delete cuts the pair's call).
CREATE TABLE {{schema}}.tool_calls (
  user_id    text   NOT NULL,
  session_id text   NOT NULL,
  call_id    text   NOT NULL,
  seq        bigint NOT NULL,
  -- Led by seq so that deleting a message finds its calls (the cascade) with one probe.
  PRIMARY KEY (user_id, session_id, seq, call_id),
  FOREIGN KEY (user_id, session_id, seq) REFERENCES {{schema}}.messages ON DELETE CASCADE
);
CREATE INDEX tool_calls_by_call ON {{schema}}.tool_calls (user_id, session_id, call_id);

-- transact(): one row per operation id, so a replay returns the first result and another body
-- under the same id is refused. They go with their session.
CREATE TABLE {{schema}}.operations (
  user_id      text        NOT NULL,
  session_id   text        NOT NULL,
  operation_id text        NOT NULL,
  body_hash    text        NOT NULL,
  result       jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, session_id, operation_id),
  FOREIGN KEY (user_id, session_id) REFERENCES {{schema}}.sessions ON DELETE CASCADE
);

-- Cleanup finds drafts whose lease ran out without scanning messages.
CREATE INDEX messages_streaming ON {{schema}}.messages (lease_expires_at)
  WHERE status = 'streaming';
