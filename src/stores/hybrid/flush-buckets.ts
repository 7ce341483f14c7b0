/**
 * The hybrid's cache is cut into FLUSH_BUCKETS buckets by a hash of the user, so that it runs on
 * a Redis Cluster: every key of a bucket carries the bucket's hash tag, so a user's session keys
 * and the write-behind stream they queue to share one slot, and each script touches one slot
 * (write-behind-append writes the session and the stream at once). A single Redis keeps the
 * same layout.
 *
 * Each bucket's tag is chosen so that bucket i hashes into the i-th of FLUSH_BUCKETS equal
 * ranges of the 16384 slots: a cluster whose masters own contiguous ranges of slots (what
 * `redis-cli --cluster create` and rebalancing make) gets an even share of the buckets. The
 * number is part of the layout: changing it moves users to other buckets (and other streams).
 */
export const FLUSH_BUCKETS = 16;

/** Redis Cluster's slot count; a key's slot is CRC16(tag) mod this. */
export const CLUSTER_SLOTS = 16384;

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
export function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** The cluster slot of a hash tag (the text between the braces of a key). */
export function slotOf(tag: string): number {
  return crc16(tag) % CLUSTER_SLOTS;
}

/** The first tag `<bucket>.<n>` whose slot lies in the bucket's range. */
function tagFor(bucket: number): string {
  const size = CLUSTER_SLOTS / FLUSH_BUCKETS;
  for (let n = 0; ; n++) {
    const tag = `${bucket}.${n}`;
    if (Math.floor(slotOf(tag) / size) === bucket) return tag;
  }
}

/** The hash tag of each bucket, in bucket order. */
export const BUCKET_TAGS: readonly string[] = Array.from({ length: FLUSH_BUCKETS }, (_, i) =>
  tagFor(i),
);

/** The bucket a user's cache keys live in. */
export function bucketOf(userId: string): number {
  return crc16(userId) % FLUSH_BUCKETS;
}

/** A key's cluster slot, as Redis computes it: the hash tag when the key has one. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return slotOf(close > open + 1 ? key.slice(open + 1, close) : key);
}
