min(bucket) FILTER (WHERE below > floor(0.5 * (total - 1))) AS p50_lo,
         min(bucket) FILTER (WHERE below > ceil(0.5 * (total - 1))) AS p50_hi,
         min(bucket) FILTER (WHERE below > floor(0.95 * (total - 1))) AS p95_lo,
         min(bucket) FILTER (WHERE below > ceil(0.95 * (total - 1))) AS p95_hi,
         max(total) AS latencies
