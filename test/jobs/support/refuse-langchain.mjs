// Loaded with `node --import` before a module graph: any import of a LangChain package then fails,
// so a test can prove that the graph (the migrate-redis job) needs none at run time.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@langchain/')) throw new Error('imports ' + specifier);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
