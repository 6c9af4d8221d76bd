/**
 * Every code an AmatoError can carry. A closed union, so the handlers that map codes to an
 * outcome (HTTP status, exit code) switch over it exhaustively: a new code does not compile
 * until each of them has decided what it means.
 */
export type AmatoErrorCode =
  | 'BATCH_STEP_FAILED'
  | 'CONFIG_INVALID'
  | 'DEPENDENCY_UNAVAILABLE'
  | 'EXPERIMENT_INPUT_INVALID'
  | 'MODEL_ARTIFACT_INVALID'
  | 'PORT_TAKEN'
  | 'TRINO_QUERY_FAILED'
  | 'USAGE';

/**
 * Domain errors carry a stable code and say whether retrying can help, so callers (HTTP filters,
 * the Kafka pipeline, the stack CLI) can map them to an outcome without parsing messages.
 */
export abstract class AmatoError extends Error {
  abstract readonly code: AmatoErrorCode;
  abstract readonly retriable: boolean;

  protected constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in configuration: the key (dotted path or env var) and what is wrong. */
export interface ConfigProblem {
  readonly key: string;
  readonly problem: string;
}

/** Configuration is invalid; fatal at boot. The message lists every problem, one a line. */
export class ConfigError extends AmatoError {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;

  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly source: string,
  ) {
    super(
      `invalid configuration (${source}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.problem}`).join('\n'),
    );
  }
}

/** A command was called wrongly (an unknown option, a bad value); exit code 2. */
export class UsageError extends AmatoError {
  readonly code = 'USAGE';
  readonly retriable = false;

  constructor(message: string) {
    super(`${message}; see --help`);
  }
}

/** A dependency (Kafka, a store, Trino) cannot be reached or refused us. */
export class DependencyUnavailableError extends AmatoError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly retriable = true;

  constructor(
    readonly dependency: string,
    readonly endpoint: string,
    cause: unknown,
    hint = 'is the stack up? `npm run stack:status` shows it, `npm run stack:up` starts it',
  ) {
    super(`${dependency} at ${endpoint} is unavailable: ${describeCause(cause)} (${hint})`, {
      cause,
    });
  }
}

/** A port this process must bind is held by another; names the holder and the setting to change. */
export class PortTakenError extends AmatoError {
  readonly code = 'PORT_TAKEN';
  readonly retriable = false;

  constructor(
    readonly what: string,
    readonly host: string,
    readonly port: number,
    readonly setting: string,
    holder: string,
  ) {
    super(
      `${what} ${port} on ${host} is already in use${holder}; stop that process or set ${setting} to a free port`,
    );
  }
}

/** The short, human part of a driver error: its code and message, without the stack. */
export function describeCause(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    // Node's happy-eyeballs connect reports one error per address tried; the first says enough.
    return describeCause(cause.errors[0]);
  }
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const message = cause.message || cause.name;
    return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
  }
  return String(cause);
}
