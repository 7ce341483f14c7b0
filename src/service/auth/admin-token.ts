import type { AuthStore } from './auth-store.js';
import { hashSecret, newSecret } from './secrets.js';

export interface AdminToken {
  /** SHA-256 hex of the token; the token itself is never kept. */
  hash: string;
  /** The token, only when this start created it (to be shown once); otherwise null. */
  created: string | null;
}

/**
 * The admin token: CONVSTORE_ADMIN_TOKEN when set; otherwise the one created on first start,
 * of which only the hash is stored. When two instances start together on a new database, one
 * stores its token and the other finds it stored and creates nothing.
 */
export async function resolveAdminToken(
  configured: string | null,
  auth: AuthStore,
): Promise<AdminToken> {
  if (configured) return { hash: hashSecret(configured), created: null };
  const stored = await auth.storedAdminTokenHash();
  if (stored) return { hash: stored, created: null };
  const token = newSecret('csa');
  const hash = hashSecret(token);
  if (await auth.storeAdminTokenHash(hash)) return { hash, created: token };
  const winner = await auth.storedAdminTokenHash();
  return { hash: winner ?? hash, created: null };
}
