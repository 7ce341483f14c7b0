     -- A search's optional filters: $3 session_id, $4 role, $5 from (inclusive), $6 to
     -- (exclusive), each NULL for none, on the messages `m`.
     AND ($3::text IS NULL OR m.session_id = $3::text)
     AND ($4::text IS NULL OR m.role = $4::text)
     AND ($5::timestamptz IS NULL OR m.created_at >= $5::timestamptz)
     AND ($6::timestamptz IS NULL OR m.created_at < $6::timestamptz)
