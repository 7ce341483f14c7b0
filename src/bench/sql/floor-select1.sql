-- floor-select1: the round-trip floor: the cheapest statement there is. No parameters.
SELECT 1 AS one
