"messageId", role, coalesce(content, ''), coalesce(metadata, '{}'), data, format,
       coalesce(kind, 'message'), coalesce("toolCallIds", '{}'), coalesce("toolResultIds", '{}'),
       coalesce(status, 'complete'), usage->>'model', usage->>'provider',
       (usage->>'inputTokens')::bigint, (usage->>'outputTokens')::bigint,
       (usage->>'totalTokens')::bigint, (usage->>'reasoningTokens')::bigint,
       (usage->>'cachedInputTokens')::bigint, (usage->>'latencyMs')::bigint,
       usage->>'finishReason', "tokenCount", fingerprint, lease, "leaseMs",
       now() + make_interval(secs => "leaseMs"::double precision / 1000),
       coalesce(to_timestamp("createdAt" / 1000), now())
