/**
 * Remembers, for a few seconds, the hashes of bearer tokens the database did not know, so that a
 * caller repeating a wrong key (or a burst of them) costs no database round trip each time. It
 * holds at most `maxEntries` hashes and drops the least recently seen first, so a flood of random
 * tokens cannot grow it; those are held back by the per-address rate limit instead.
 *
 * A key created after its hash was remembered here would be refused for up to `ttlMs`; keys are
 * 256 random bits that nobody can have tried before they exist, so that never happens in practice.
 */
export class UnknownKeyCache {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 4096,
  ) {}

  has(keyHash: string): boolean {
    const until = this.until.get(keyHash);
    if (until === undefined) return false;
    if (until <= Date.now()) {
      this.until.delete(keyHash);
      return false;
    }
    return true;
  }

  add(keyHash: string): void {
    if (this.ttlMs <= 0) return;
    // A Map iterates in insertion order: re-inserting moves a hash to the end, and the first
    // entry is the least recently added one.
    this.until.delete(keyHash);
    if (this.until.size >= this.maxEntries) {
      const oldest = this.until.keys().next();
      if (!oldest.done) this.until.delete(oldest.value);
    }
    this.until.set(keyHash, Date.now() + this.ttlMs);
  }

  get size(): number {
    return this.until.size;
  }
}
