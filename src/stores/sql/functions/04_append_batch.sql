-- append_batch: the appends that queued while every pooled connection was busy, to distinct
-- sessions, in one call: one round trip and one commit for them all (group commit in the
-- statement instead of in the WAL). Each request runs append_messages, exactly as alone;
-- sessions are locked in key order, so two batches never deadlock. One failing request fails
-- the call, and the caller then runs each request alone.
--   p_requests: JSON array of {userId, sessionId, agentId, messages}.
CREATE OR REPLACE FUNCTION {{schema}}.append_batch(
  p_requests jsonb,
  p_ttl_seconds integer,
  p_max_history integer
) RETURNS TABLE (req bigint, result jsonb) LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT ord, value FROM jsonb_array_elements(p_requests) WITH ORDINALITY AS q(value, ord)
     ORDER BY value->>'userId', value->>'sessionId'
  LOOP
    req := r.ord;
    result := {{schema}}.append_messages(
      r.value->>'userId', r.value->>'sessionId', r.value->>'agentId', p_ttl_seconds,
      p_max_history, r.value->'messages');
    RETURN NEXT;
  END LOOP;
END;
$$;
