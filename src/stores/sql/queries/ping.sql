-- ping: the cheapest round trip.
SELECT 1 AS ok
