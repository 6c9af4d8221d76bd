import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';
import type { TString } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

/**
 * Checks a route parameter against a string schema, compiled once: the contracts' own (an id
 * the API accepts is one the events carry). A mismatch is a 400 naming the parameter and,
 * from the schema's `expected`, what it must look like.
 */
@Injectable()
export class SchemaParamPipe implements PipeTransform<unknown, string> {
  private readonly check: TypeCheck<TString>;
  private readonly expected: string;

  constructor(schema: TString) {
    this.check = TypeCompiler.Compile(schema);
    const expected: unknown = schema.expected;
    this.expected =
      typeof expected === 'string' ? expected : `a string matching ${schema.pattern ?? '.*'}`;
  }

  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (this.check.Check(value)) return value;
    throw new BadRequestException(
      `${metadata.data ?? 'parameter'}: expected ${this.expected}; got ${JSON.stringify(value)}`,
    );
  }
}
