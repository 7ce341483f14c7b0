/**
 * Remembers which user a key hash belongs to for a few seconds, so that an authenticated request
 * costs no extra database round trip. Erasing a user drops their entries here at once; other
 * instances drop theirs when told through Redis (instances/user-revocations.ts), or without a
 * Redis forget them within `ttlMs`.
 */
export class KeyCache {
  private readonly entries = new Map<string, { userId: string; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(keyHash: string): string | null {
    const entry = this.entries.get(keyHash);
    if (!entry) return null;
    if (entry.until <= Date.now()) {
      this.entries.delete(keyHash);
      return null;
    }
    return entry.userId;
  }

  set(keyHash: string, userId: string): void {
    if (this.ttlMs <= 0) return;
    // A Map iterates in insertion order: dropping the first entry drops the oldest.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(keyHash, { userId, until: Date.now() + this.ttlMs });
  }

  forgetUser(userId: string): void {
    for (const [hash, entry] of this.entries) {
      if (entry.userId === userId) this.entries.delete(hash);
    }
  }
}
