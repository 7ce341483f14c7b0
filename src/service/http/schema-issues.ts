import type { FastifySchemaValidationError } from 'fastify';
import { DEFAULT_LIMITS, ID_PATTERN, ID_RULE } from '../../contract/limits.js';
import { fromJsonPointer } from './field-names.js';
import { apiSchemas } from './schemas.js';

export interface Issue {
  field: string;
  problem: string;
}

/** Ajv's error objects as the validator compiler makes them (`verbose`: with the schema). */
type AjvIssue = FastifySchemaValidationError & {
  schemaPath?: string;
  schema?: unknown;
  parentSchema?: { properties?: Record<string, unknown>; required?: string[] };
  data?: unknown;
};

/**
 * Ajv's findings as `{ field, problem }`, naming fields of the API only: a field the client made
 * up is never quoted (its name is the client's text), the problem names the fields that are
 * known instead. A field the API has elsewhere (`user_id` in a session body) is ours to name.
 * A body of alternative forms (`oneOf`, the append route's one message or `messages`) is judged
 * by the form the client evidently meant.
 */
export function schemaIssues(errors: AjvIssue[], context: string): Issue[] {
  const where = context === 'querystring' ? 'query' : context;
  const chosen = chosenBranch(errors);
  return errors
    .filter((issue) => issue.keyword !== 'oneOf')
    .filter((issue) => !chosen || issue.schemaPath?.startsWith(chosen.prefix))
    .map((issue) => {
      const params = issue.params as Record<string, unknown>;
      if (issue.keyword === 'additionalProperties') {
        return unknownField(issue, String(params.additionalProperty), where, chosen);
      }
      const field = fromJsonPointer(issue.instancePath, params.missingProperty as string);
      const problem =
        issue.keyword === 'required'
          ? 'is required'
          : issue.keyword === 'pattern' && params.pattern === ID_PATTERN.source
            ? `must be ${ID_RULE}`
            : (issue.message ?? 'is invalid');
      return { field: field === 'body' ? where : field, problem };
    });
}

interface Branch {
  prefix: string;
  /** Every field the alternative forms know, so naming one of them quotes nothing. */
  siblingFields: Set<string>;
  required: string[];
}

/**
 * Of a failed `oneOf`, the branch whose required fields the data holds (all of them first, then
 * the most of them); a tie goes to the first form (`{}` asks for a message's role).
 */
function chosenBranch(errors: AjvIssue[]): Branch | null {
  const oneOf = errors.find((issue) => issue.keyword === 'oneOf');
  if (!oneOf || !Array.isArray(oneOf.schema)) return null;
  const branches = oneOf.schema as Array<{ properties?: object; required?: string[] }>;
  const data = (oneOf.data ?? {}) as Record<string, unknown>;
  let best = 0;
  let bestScore = -1;
  branches.forEach((branch, index) => {
    const required = branch.required ?? [];
    const present = required.filter((name) => data[name] !== undefined).length;
    const score = (present === required.length ? 1000 : 0) + present;
    if (score > bestScore) {
      best = index;
      bestScore = score;
    }
  });
  return {
    prefix: `${oneOf.schemaPath}/${best}/`,
    siblingFields: new Set(branches.flatMap((branch) => Object.keys(branch.properties ?? {}))),
    required: branches[best]?.required ?? [],
  };
}

function unknownField(issue: AjvIssue, property: string, where: string, chosen: Branch | null) {
  const container = fromJsonPointer(issue.instancePath);
  // A field of the other form is ours to name: "role: cannot be combined with messages".
  if (chosen?.siblingFields.has(property) && chosen.required.length > 0) {
    const field = container === 'body' ? property : `${container}.${property}`;
    return { field, problem: `cannot be combined with ${chosen.required.join(', ')}` };
  }
  const known = Object.keys(issue.parentSchema?.properties ?? {});
  const noun = where === 'query' ? 'parameter' : 'field';
  if (API_FIELDS.has(property)) {
    const field = container === 'body' ? property : `${container}.${property}`;
    return { field, problem: `is not a ${noun} of this ${where === 'query' ? 'route' : 'body'}` };
  }
  return {
    field: container === 'body' ? where : container,
    problem:
      known.length > 0
        ? `has a ${noun} that is not one of: ${known.join(', ')}`
        : `takes no ${noun}s`,
  };
}

/** Every field and parameter name the API's schemas know (none depends on the limits). */
const API_FIELDS: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key === 'properties' && typeof item === 'object' && item !== null) {
          for (const name of Object.keys(item)) names.add(name);
        }
        walk(item);
      }
    }
  };
  walk(apiSchemas(DEFAULT_LIMITS));
  return names;
})();
