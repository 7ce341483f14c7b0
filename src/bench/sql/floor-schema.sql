-- floor-schema: the bare tables the PostgreSQL floors are measured on.
--   No parameters; {{schema}} is the bench run's floor schema (validated, quoted).
-- bare_insert has no key, no index, no constraint: an INSERT into it pays the round trip, the row
-- and the WAL flush of its commit, which every durable append pays too. bare_read holds rows of the
-- same columns and sizes as the stores' messages, keyed for a primary-key range read.
CREATE TABLE {{schema}}.bare_insert (
  k          bigint,
  message_id text,
  role       text,
  content    text,
  metadata   jsonb,
  created_at timestamptz DEFAULT now()
);
CREATE TABLE {{schema}}.bare_read (
  k          bigint,
  seq        bigint,
  message_id text,
  role       text,
  content    text,
  metadata   jsonb,
  created_at timestamptz DEFAULT now(),
  PRIMARY KEY (k, seq)
);
