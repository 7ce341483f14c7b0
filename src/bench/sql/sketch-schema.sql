-- sketch-schema: the design sketch's tables, as written, in the sketch's own schema.
--   No parameters; {{schema}} is the bench run's sketch schema (validated, quoted).
-- The sketch wrote MySQL-style INDEX clauses inside CREATE TABLE, which PostgreSQL refuses; the
-- same indexes are created here as separate statements, so the sketch runs with every index it
-- asked for and nothing more. The users and agents tables it references get the minimum columns.
CREATE TABLE {{schema}}.users (
  id SERIAL PRIMARY KEY,
  name VARCHAR(255)
);
CREATE TABLE {{schema}}.agents (
  id SERIAL PRIMARY KEY,
  name VARCHAR(255)
);
CREATE TABLE {{schema}}.sessions (
  id SERIAL PRIMARY KEY,
  session_id VARCHAR(255) UNIQUE NOT NULL,
  user_id INTEGER NOT NULL REFERENCES {{schema}}.users(id) ON DELETE CASCADE,
  agent_id INTEGER REFERENCES {{schema}}.agents(id) ON DELETE SET NULL,
  title VARCHAR(500),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  expires_at TIMESTAMP,
  metadata JSONB
);
CREATE INDEX idx_sessions_user_id ON {{schema}}.sessions (user_id);
CREATE INDEX idx_sessions_session_id ON {{schema}}.sessions (session_id);
CREATE INDEX idx_sessions_expires_at ON {{schema}}.sessions (expires_at);
CREATE TABLE {{schema}}.messages (
  id SERIAL PRIMARY KEY,
  session_id VARCHAR(255) NOT NULL REFERENCES {{schema}}.sessions(session_id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES {{schema}}.users(id) ON DELETE CASCADE,
  role VARCHAR(50) NOT NULL,
  content TEXT NOT NULL,
  metadata JSONB,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_messages_session_id ON {{schema}}.messages (session_id);
CREATE INDEX idx_messages_user_id ON {{schema}}.messages (user_id);
CREATE INDEX idx_messages_created_at ON {{schema}}.messages (created_at);
