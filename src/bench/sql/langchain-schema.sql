-- langchain-schema: PostgresChatMessageHistory's own table, exactly as its ensureTable() creates
-- it (created here so the load can run before the first history object exists).
--   No parameters; {{schema}} is the bench run's LangChain schema (validated, quoted).
CREATE TABLE IF NOT EXISTS {{schema}}.langchain_chat_histories (
  id SERIAL PRIMARY KEY,
  session_id VARCHAR(255) NOT NULL,
  message JSONB NOT NULL
);
