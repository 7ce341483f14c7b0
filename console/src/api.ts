/**
 * The REST API, called with the credentials given at sign-in (a user's API key or the admin
 * token), exactly as any other client calls it: the console has no access of its own.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'convstore.console.token';
const ROLE_KEY = 'convstore.console.role';

export type Role = 'user' | 'admin';

export interface Credentials {
  token: string;
  role: Role;
}

/** Kept for the tab only (sessionStorage): closing it signs out. */
export function savedCredentials(): Credentials | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const role = sessionStorage.getItem(ROLE_KEY);
  if (!token || (role !== 'user' && role !== 'admin')) return null;
  return { token, role };
}

export function saveCredentials(credentials: Credentials | null): void {
  if (!credentials) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ROLE_KEY);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, credentials.token);
  sessionStorage.setItem(ROLE_KEY, credentials.role);
}

let signedOut: () => void = () => {};
/** Called when the API refuses the credentials (401): the key was erased or is wrong. */
export function onSignedOut(handler: () => void): void {
  signedOut = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
}

export function authHeaders(token?: string): Record<string, string> {
  const given = token ?? savedCredentials()?.token;
  return given ? { authorization: `Bearer ${given}` } : {};
}

/** One API call; the answer's JSON, or an ApiError with the service's code and message. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers = authHeaders(options.token);
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    ...(options.signal && { signal: options.signal }),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const body =
    text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } })?.error;
    if (response.status === 401 && options.token === undefined) signedOut();
    throw new ApiError(
      response.status,
      error?.code ?? 'error',
      error?.message ?? response.statusText,
    );
  }
  return body as T;
}

/** A query string from the defined values only. */
export function query(
  values: Record<string, string | number | boolean | undefined | null>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * Which credentials these are: a user's key (or JWT) may list sessions; the admin token is the
 * only other credential the service accepts, and it is refused there with 403 (it does not act
 * as a user). A wrong one is a 401.
 */
export async function identify(token: string): Promise<Role> {
  try {
    await api('/v1/sessions?limit=1', { token });
    return 'user';
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return 'admin';
    throw error;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code}, HTTP ${error.status})`;
  return error instanceof Error ? error.message : String(error);
}
