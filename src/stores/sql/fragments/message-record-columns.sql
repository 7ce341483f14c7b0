"messageId" text, role text, content text, metadata jsonb, data text, format text, kind text,
       "toolCallIds" text[], "toolResultIds" text[], status text, usage jsonb,
       "tokenCount" integer, fingerprint text, lease text, "leaseMs" integer,
       "createdAt" double precision
