import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

/**
 * Validates a JSON body against its schema, compiled once; unknown fields are refused where
 * the schema says so. A mismatch is a 400 naming each field (as a JSON pointer, e.g.
 * /features/recency_days) and what it must be.
 */
@Injectable()
export class SchemaBodyPipe<S extends TSchema> implements PipeTransform<unknown, Static<S>> {
  private readonly check: TypeCheck<S>;

  constructor(schema: S) {
    this.check = TypeCompiler.Compile(schema);
  }

  transform(value: unknown): Static<S> {
    if (typeof value !== 'object' || value === null) {
      throw new BadRequestException('body: expected a JSON object');
    }
    if (this.check.Check(value)) return value;
    const problems = [...this.check.Errors(value)].map((e) => {
      const expected = (e.schema as { expected?: unknown }).expected;
      return `${e.path || '/'}: ${typeof expected === 'string' ? `expected ${expected}` : e.message}; got ${e.value === undefined ? 'nothing' : JSON.stringify(e.value)}`;
    });
    throw new BadRequestException(problems.slice(0, 5).join('; '));
  }
}
