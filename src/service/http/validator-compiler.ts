import { Ajv, type AnySchema } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Two Ajv instances: a JSON body is validated as sent (a `title` of 42 is an error, not "42"),
 * while query strings and path parameters, which are always text, are coerced to the declared
 * types (`?last=5` becomes 5). Unknown fields are refused everywhere, never silently dropped.
 */
export function validatorCompiler(): FastifySchemaCompiler<AnySchema> {
  // `verbose` keeps the schema and data in each error: schemaIssues names the known fields from it
  // and picks the form of a `oneOf` body the client meant. None of it is sent or logged.
  const common = {
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
    verbose: true,
  } as const;
  const strict = new Ajv({ ...common, coerceTypes: false });
  const coercing = new Ajv({ ...common, coerceTypes: 'array' });
  return ({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema) as ReturnType<
      FastifySchemaCompiler<AnySchema>
    >;
}
