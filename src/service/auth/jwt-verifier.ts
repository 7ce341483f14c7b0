import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { ID_PATTERN } from '../../contract/limits.js';

export interface JwtSettings {
  secret: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
}

/** Verifies a JWT and returns its `sub` (the user), or null when it is not acceptable. */
export type JwtVerifier = (token: string) => Promise<string | null>;

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/**
 * JWTs signed with a shared secret (HS256/384/512) or by a key of a JWKS (fetched and cached by
 * jose). The user is `sub`, which must be a valid user id; `exp` is always enforced, `iss` and
 * `aud` when configured. Null when neither a secret nor a JWKS is configured.
 */
export async function createJwtVerifier(settings: JwtSettings): Promise<JwtVerifier | null> {
  if (!settings.secret && !settings.jwksUrl) return null;
  const { jwtVerify, createRemoteJWKSet } = await import('jose');
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : null;
  const jwks: JWTVerifyGetKey | null = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl))
    : null;
  const options = {
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
    ...(settings.audience ? { audience: settings.audience } : {}),
    requiredClaims: ['sub', 'exp'],
  };
  return async (token) => {
    try {
      let payload: JWTPayload;
      if (secret && (!jwks || isHmac(token))) {
        ({ payload } = await jwtVerify(token, secret, {
          ...options,
          algorithms: ['HS256', 'HS384', 'HS512'],
        }));
      } else if (jwks) {
        ({ payload } = await jwtVerify(token, jwks, options));
      } else {
        return null;
      }
      return typeof payload.sub === 'string' && ID_PATTERN.test(payload.sub) ? payload.sub : null;
    } catch {
      return null;
    }
  };
}

function isHmac(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    return typeof header.alg === 'string' && header.alg.startsWith('HS');
  } catch {
    return false;
  }
}
