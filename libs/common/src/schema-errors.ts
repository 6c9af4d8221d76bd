import { KindGuard, type TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/errors';

/** One thing wrong with a value: where (dotted path, [i] for items) and what. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** `/payload/items/0/quantity` -> `payload.items[0].quantity` */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '');
}

/** A TypeBox error in words a user can act on, using a schema's `expected` hint where it has one. */
export function describeSchemaError(schema: TSchema, message: string, value: unknown): string {
  // JSON.stringify returns undefined for functions and symbols, whatever its declared type says.
  const json = JSON.stringify(value) as string | undefined;
  const shown = value === undefined ? 'nothing' : (json?.slice(0, 80) ?? typeof value);
  if (KindGuard.IsUnion(schema) && schema.anyOf.every((option) => option.const !== undefined)) {
    return `must be one of ${schema.anyOf.map((option) => JSON.stringify(option.const)).join(', ')}, got ${shown}`;
  }
  if (
    typeof schema.expected === 'string' &&
    (typeof schema.pattern === 'string' ||
      typeof schema.format === 'string' ||
      typeof value !== 'object')
  ) {
    return `must be ${schema.expected}, got ${shown}`;
  }
  return `${message.replace(/^Expected/, 'expected')}, got ${shown}`;
}

/**
 * The problems of a value, at most `limit`, one per path (a union reports once, not once per
 * branch tried).
 */
export function schemaProblems(errors: Iterable<ValueError>, limit = 10): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const path = pointerToPath(error.path) || '(root)';
    if (seen.has(path)) continue;
    seen.add(path);
    problems.push({ path, message: describeSchemaError(error.schema, error.message, error.value) });
    if (problems.length >= limit) break;
  }
  return problems;
}
