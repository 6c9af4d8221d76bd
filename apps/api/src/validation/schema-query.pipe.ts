import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import type { Static, TObject } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';

/**
 * Validates a route's whole query string against an object schema, compiled once: numbers are
 * converted from their text, defaults filled in, unknown parameters refused. A mismatch is a
 * 400 naming each parameter and what it must be.
 */
@Injectable()
export class SchemaQueryPipe<S extends TObject> implements PipeTransform<unknown, Static<S>> {
  private readonly check: TypeCheck<S>;

  constructor(private readonly schema: S) {
    this.check = TypeCompiler.Compile(schema);
  }

  transform(value: unknown): Static<S> {
    const query = Value.Default(this.schema, Value.Convert(this.schema, { ...(value as object) }));
    if (this.check.Check(query)) return query;
    const problems = [...this.check.Errors(query)].map((e) => {
      const name = e.path.replace(/^\//, '') || '(query)';
      const expected = (e.schema as { expected?: unknown }).expected;
      return `${name}: ${typeof expected === 'string' ? `expected ${expected}` : e.message}; got ${JSON.stringify(e.value)}`;
    });
    throw new BadRequestException(problems.slice(0, 5).join('; '));
  }
}
