import { expect, it } from 'vitest';
import { STORE_OPERATIONS, type OperationTable } from '../../src/telemetry/store-operations.js';

// The checks are the compiler's (npm run typecheck covers test/); the test keeps them in the suite.
it('must list exactly the operations of the store contract, or fail to compile', () => {
  const { close: _close, ...withoutClose } = STORE_OPERATIONS;
  // @ts-expect-error: a table missing one of ConversationStore's methods does not compile.
  const incomplete: OperationTable = withoutClose;
  // @ts-expect-error: nor does one naming a method the contract does not have.
  const extra: OperationTable = { ...STORE_OPERATIONS, flush: {} };
  expect(Object.keys(incomplete)).not.toContain('close');
  expect(Object.keys(extra)).toContain('flush');
});
