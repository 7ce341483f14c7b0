/**
 * Finds why a value cannot be stored as JSON metadata, or returns null. PostgreSQL's jsonb refuses
 * NUL characters and invalid UTF-8 (lone surrogates), and JSON.stringify silently turns NaN,
 * Infinity and class instances into something else: refusing them up front keeps every store
 * storing exactly what it was given.
 */
export function findJsonProblem(value: unknown, path: string, depth = 0): string | null {
  if (depth > MAX_DEPTH) return `${path}: nested deeper than ${MAX_DEPTH} levels`;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : `${path}: not a finite number`;
  }
  if (typeof value === 'string') return findTextProblem(value, path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findJsonProblem(value[i], `${path}.${i}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = findTextProblem(key, `${path} key`);
      if (keyProblem) return keyProblem;
      if (item === undefined) continue;
      const problem = findJsonProblem(item, `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  return `${path}: not a JSON value (${typeof value})`;
}

/** NUL bytes and lone surrogates (text that is not valid UTF-8) are refused everywhere. */
export function findTextProblem(text: string, path: string): string | null {
  if (text.includes('\u0000')) return `${path}: contains a NUL character`;
  if (!text.isWellFormed()) return `${path}: is not valid UTF-8 (lone surrogate)`;
  return null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const MAX_DEPTH = 32;
