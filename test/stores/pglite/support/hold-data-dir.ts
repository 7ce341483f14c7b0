// A separate process holding a PGlite data directory, for the lock tests: opens the store on
// argv[2], appends one message, says `holding <pid>`, then on a line on stdin appends a second
// message, closes and exits 0. A test that SIGKILLs it leaves its lock file behind.
import { createInterface } from 'node:readline';
import { createStore } from '../../../../src/index.js';

const store = await createStore({ url: `pglite://${process.argv[2]}` });
const key = { userId: 'holder', sessionId: 's' };
await store.append({ ...key, messages: [{ role: 'user', content: 'first' }] });
process.stdout.write(`holding ${process.pid}\n`);
const lines = createInterface({ input: process.stdin });
for await (const _line of lines) {
  await store.append({ ...key, messages: [{ role: 'user', content: 'second' }] });
  await store.close();
  process.stdout.write('closed\n');
  process.exit(0);
}
