import { ModelArtifactError } from '../model-artifact-error';

/** The model name every artifact problem is reported under. */
export const MODEL_NAME = 'hdbscan';

/** The string the artifact writes for a +∞ lambda, which JSON numbers cannot express. */
export const INFINITY_TOKEN = 'Infinity';

export function artifactError(field: string, problem: string): ModelArtifactError {
  return new ModelArtifactError(MODEL_NAME, `field ${field}: ${problem}`);
}

/** A short account of a wrong value for messages, never the whole value (arrays are huge). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw artifactError(field, `expected an object, got ${describeValue(value)}`);
  }
  return value as JsonObject;
}

/** `length` with what the entries stand for, so a wrong length says what it should match. */
export interface ExpectedLength {
  readonly count: number;
  readonly of: string;
}

export function asArray(
  value: unknown,
  field: string,
  length?: ExpectedLength,
): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw artifactError(field, `expected an array, got ${describeValue(value)}`);
  }
  if (length !== undefined && value.length !== length.count) {
    throw artifactError(field, `expected ${length.count} ${length.of}, got ${value.length}`);
  }
  return value as readonly unknown[];
}

export function asString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw artifactError(field, `expected a non-empty string, got ${describeValue(value)}`);
  }
  return value;
}

export function asInteger(value: unknown, field: string, minimum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    throw artifactError(
      field,
      `expected an integer of at least ${minimum}, got ${describeValue(value)}`,
    );
  }
  return value;
}

export function asFinite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw artifactError(field, `expected a finite number, got ${describeValue(value)}`);
  }
  return value;
}

/** A lambda (1 / distance): a number ≥ 0, or the +∞ token. */
export function asLambda(value: unknown, field: string): number {
  if (value === INFINITY_TOKEN) return Infinity;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw artifactError(
      field,
      `expected a number ≥ 0 or "${INFINITY_TOKEN}", got ${describeValue(value)}`,
    );
  }
  return value;
}

/** Reads every entry with `read`, naming the index of the first bad one. */
function mapEntries<T extends Float64Array | Int32Array>(
  target: T,
  values: readonly unknown[],
  field: string,
  read: (value: unknown, field: string) => number,
): T {
  values.forEach((value, index) => {
    target[index] = read(value, `${field}[${index}]`);
  });
  return target;
}

export function finiteArray(value: unknown, field: string, length?: ExpectedLength): Float64Array {
  const values = asArray(value, field, length);
  return mapEntries(new Float64Array(values.length), values, field, asFinite);
}

export function lambdaArray(value: unknown, field: string, length: ExpectedLength): Float64Array {
  const values = asArray(value, field, length);
  return mapEntries(new Float64Array(values.length), values, field, asLambda);
}

/** Integers from `minimum` up to 2³¹ − 1: node ids and sizes of any realistic tree. */
export function integerArray(
  value: unknown,
  field: string,
  minimum: number,
  length?: ExpectedLength,
): Int32Array {
  const values = asArray(value, field, length);
  return mapEntries(new Int32Array(values.length), values, field, (entry, name) => {
    const integer = asInteger(entry, name, minimum);
    if (integer > 0x7fffffff) throw artifactError(name, `${integer} is out of range`);
    return integer;
  });
}
