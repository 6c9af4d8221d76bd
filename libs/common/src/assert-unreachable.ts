/**
 * The default branch of a switch that handles every member of a union: it only compiles while
 * no member is left unhandled, and throws if a value outside the type arrives at run time.
 */
export function assertUnreachable(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
