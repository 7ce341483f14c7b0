/**
 * Finds why a value cannot be stored as JSON metadata, or returns null. PostgreSQL's jsonb refuses
 * NUL characters and invalid UTF-8 (lone surrogates), and JSON.stringify silently turns NaN,
 * Infinity and class instances into something else: refusing them up front keeps every store
 * storing exactly what it was given.
 *
 * The problem names the field (`path`) and the rule, never where inside the value it was found:
 * the keys of a metadata object are the client's own text, and error messages never quote it.
 */
export function findJsonProblem(value: unknown, path: string): string | null {
  const problem = problemIn(value, 0);
  return problem === null ? null : `${path}: ${problem}`;
}

function problemIn(value: unknown, depth: number): string | null {
  if (depth > MAX_DEPTH) return `nested deeper than ${MAX_DEPTH} levels`;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') {
    return Number.isFinite(value) ? null : 'holds a number that is not finite';
  }
  if (typeof value === 'string') return textProblem(value, depth === 0 ? '' : 'a value ');
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = problemIn(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key, 'a key ');
      if (keyProblem) return keyProblem;
      if (item === undefined) continue;
      const problem = problemIn(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  return `holds a value that is not JSON (${typeof value})`;
}

/** NUL bytes and lone surrogates (text that is not valid UTF-8) are refused everywhere. */
export function findTextProblem(text: string, path: string): string | null {
  const problem = textProblem(text, '');
  return problem === null ? null : `${path}: ${problem}`;
}

function textProblem(text: string, subject: string): string | null {
  if (text.includes('\u0000')) return `${subject}contains a NUL character`;
  if (!text.isWellFormed()) return `${subject}is not valid UTF-8 (lone surrogate)`;
  return null;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const MAX_DEPTH = 32;
