import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { ConvstoreError, ERROR_STATUS, OUTCOMES } from '../../src/index.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { exitCodeLines } from '../../src/contract/outcomes.js';

const errors = OUTCOMES.filter((entry) => entry.kind === 'error');

describe('the one outcome table (issue 10, point 6)', () => {
  it('ERROR_STATUS is the table: every error code with its HTTP status and exit code', () => {
    expect(ERROR_STATUS).toEqual(
      Object.fromEntries(
        errors.map((entry) => [entry.code, { http: entry.http, exit: entry.exit }]),
      ),
    );
    expect(ERROR_STATUS).toMatchObject({
      idempotency_mismatch: { http: 409 },
      version_conflict: { http: 409 },
      lease_conflict: { http: 409 },
      operation_conflict: { http: 409 },
      unsupported: { http: 501 },
    });
  });

  it('every error class the package exports is in the table, with its code', () => {
    const classes = Object.entries(api).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof ConvstoreError,
    ) as Array<[string, new (message: string) => ConvstoreError]>;
    expect(classes.length).toBeGreaterThanOrEqual(12);
    for (const [name, ErrorClass] of classes) {
      const entry = errors.find((candidate) => candidate.error === name);
      expect(entry, name).toBeDefined();
      const error =
        name === 'ValidationError'
          ? api.ValidationError.field('f', 'p')
          : name === 'DataDirLockedError'
            ? new api.DataDirLockedError('m', { dir: './data', pid: 1 })
            : new ErrorClass('m');
      expect(error.code, name).toBe(entry!.code);
      expect(error.name).toBe(name);
    }
    for (const name of [
      'IdempotencyMismatchError',
      'VersionConflictError',
      'LeaseConflictError',
      'OperationConflictError',
      'UnsupportedError',
    ]) {
      expect(
        classes.map(([exported]) => exported),
        name,
      ).toContain(name);
    }
  });

  it('codes are unique; the CLI-only exit codes collide with no error', () => {
    const codes = OUTCOMES.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    const errorExits = new Set<number>(errors.map((entry) => entry.exit));
    for (const entry of OUTCOMES.filter((candidate) => candidate.kind === 'exit')) {
      expect(errorExits.has(entry.exit), entry.code).toBe(false);
    }
    expect(EXIT).toEqual({
      ok: 0,
      internal: 1,
      usage: 2,
      verificationFailed: 8,
      partial: 9,
      interrupted: 130,
    });
  });

  it('the help text names every exit code once, with every outcome behind it', () => {
    const lines = exitCodeLines();
    const exits = [
      ...new Set(OUTCOMES.flatMap((entry) => (entry.exit === null ? [] : [entry.exit]))),
    ];
    expect(lines.map((line) => Number(line.split(' ')[0]))).toEqual(exits.sort((a, b) => a - b));
    expect(lines.find((line) => line.startsWith('4 '))).toBe(
      '4 conflict, idempotency mismatch, version conflict, operation conflict',
    );
  });
});
