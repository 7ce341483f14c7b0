import type { AuthStore } from './auth-store.js';
import type { JwtVerifier } from './jwt-verifier.js';
import { looksLikeJwt } from './jwt-verifier.js';
import type { KeyCache } from './key-cache.js';
import { hashSecret, sameHash } from './secrets.js';
import type { UnknownKeyCache } from './unknown-key-cache.js';
import { unauthorized } from '../http/http-error.js';

/** Who is calling: a user (from an API key or a JWT's `sub`), or the admin. */
export type Principal = { kind: 'user'; userId: string } | { kind: 'admin' };

/**
 * Turns an `Authorization: Bearer ...` header into a principal, or throws a 401 HttpError. A key
 * seen recently costs no round trip (KeyCache), and neither does a key the database recently did
 * not know (UnknownKeyCache); the admin token is compared by hash in constant time; JWTs are
 * tried only when configured.
 */
export class Authenticator {
  /**
   * Counts forgetUser calls: a lookup that started before one is not cached, so a key found just
   * before its user was erased cannot come back into the cache after the eviction.
   */
  private forgets = 0;

  constructor(
    private readonly store: AuthStore,
    private readonly cache: KeyCache,
    private readonly adminTokenHash: string,
    private readonly verifyJwt: JwtVerifier | null,
    private readonly unknown: UnknownKeyCache,
  ) {}

  /**
   * Whether the header is the admin token or a key verified moments ago: known without any
   * round trip or signature check. Other callers are rate-limited by address before
   * authenticate runs (see accessHook), so made-up tokens cannot each cost a database lookup.
   */
  vouchesFor(header: string | undefined): boolean {
    const token = header && /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (!token) return false;
    const hash = hashSecret(token);
    return sameHash(hash, this.adminTokenHash) || this.cache.get(hash) !== null;
  }

  async authenticate(header: string | undefined): Promise<Principal> {
    const token = bearerToken(header);
    const hash = hashSecret(token);
    if (sameHash(hash, this.adminTokenHash)) return { kind: 'admin' };
    if (this.verifyJwt && looksLikeJwt(token)) {
      const userId = await this.verifyJwt(token);
      if (!userId) throw unauthorized('the token is invalid or expired');
      return { kind: 'user', userId };
    }
    const cached = this.cache.get(hash);
    if (cached) return { kind: 'user', userId: cached };
    if (this.unknown.has(hash)) throw unauthorized('unknown API key');
    const forgets = this.forgets;
    const owner = await this.store.findKeyOwner(hash);
    if (!owner) {
      this.unknown.add(hash);
      throw unauthorized('unknown API key');
    }
    if (forgets === this.forgets) this.cache.set(hash, owner);
    return { kind: 'user', userId: owner };
  }

  forgetUser(userId: string): void {
    this.forgets++;
    this.cache.forgetUser(userId);
  }
}

function bearerToken(header: string | undefined): string {
  if (!header) throw unauthorized('send Authorization: Bearer <api key>');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('the Authorization header must be "Bearer <api key>"');
  return match[1]!;
}
