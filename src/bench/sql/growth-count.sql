-- growth-count: how many messages the growth schema holds (an estimate would do; an exact count
-- once per step is affordable and leaves no doubt). No parameters.
SELECT count(*)::bigint AS n FROM {{schema}}.messages
