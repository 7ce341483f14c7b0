import type { AuthStore } from './auth-store.js';
import type { JwtVerifier } from './jwt-verifier.js';
import { looksLikeJwt } from './jwt-verifier.js';
import type { KeyCache } from './key-cache.js';
import { hashSecret, sameHash } from './secrets.js';
import { unauthorized } from '../http/http-error.js';

/** Who is calling: a user (from an API key or a JWT's `sub`), or the admin. */
export type Principal = { kind: 'user'; userId: string } | { kind: 'admin' };

/**
 * Turns an `Authorization: Bearer ...` header into a principal, or throws a 401 HttpError. A key
 * seen recently costs no round trip (KeyCache); the admin token is compared by hash in constant
 * time; JWTs are tried only when configured.
 */
export class Authenticator {
  constructor(
    private readonly store: AuthStore,
    private readonly cache: KeyCache,
    private readonly adminTokenHash: string,
    private readonly verifyJwt: JwtVerifier | null,
  ) {}

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
    const owner = await this.store.findKeyOwner(hash);
    if (!owner) throw unauthorized('unknown API key');
    this.cache.set(hash, owner);
    return { kind: 'user', userId: owner };
  }

  forgetUser(userId: string): void {
    this.cache.forgetUser(userId);
  }
}

function bearerToken(header: string | undefined): string {
  if (!header) throw unauthorized('send Authorization: Bearer <api key>');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized('the Authorization header must be "Bearer <api key>"');
  return match[1]!;
}
