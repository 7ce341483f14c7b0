// TODO(merge lead): becomes OperationConflictError from src/contract/errors.ts once it lands.
/** A transaction whose suffix no longer matches, or an operation id reused for another one. */
export class SuffixMismatchError extends Error {
  readonly code = 'operation_conflict';

  constructor(message: string) {
    super(message);
    this.name = 'OperationConflictError';
  }
}
