import { AmatoError } from './errors';

/**
 * Errors that retrying the same work can fix: the dependency is unreachable, overloaded,
 * restarting, or the work lost a race (deadlock, lock wait, serialization). An explicit list:
 * anything not on it (a refused value, a Lua error, a bug) is not transient, so a stream
 * service retries it a bounded number of times and then isolates the records that cause it.
 */

/** Node's socket and DNS errors, and the connection errors of mysql2 and the Mongo driver. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ESOCKETTIMEDOUT',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
]);

/**
 * MySQL/MariaDB: too many connections (1040), lock wait timeout (1205), deadlock (1213),
 * interrupted (1317), server shutting down (1053), connection killed (1927), lost or gone away
 * (2006, 2013), statement timeout (3024, MariaDB 1969).
 */
const TRANSIENT_MYSQL_ERRNOS = new Set([
  1040, 1053, 1205, 1213, 1317, 1927, 1969, 2006, 2013, 3024,
]);

/**
 * PostgreSQL SQLSTATE classes: 08 connection exception, 40 transaction rollback (deadlock,
 * serialization failure), 53 insufficient resources, 57 operator intervention (admin
 * shutdown, query cancelled by a statement timeout); and 55P03 lock not available.
 */
const TRANSIENT_SQLSTATE = /^(08|40|53|57)[0-9A-Z]{3}$|^55P03$/;

/**
 * MongoDB server codes: host unreachable or not found (6, 7), exceeded time limit (50),
 * network timeout (89), shutdown in progress (91), primary stepped down (189), socket
 * exception (9001), not writable primary (10107, 13435, 13436), interrupted at shutdown or by
 * a replica-set change (11600, 11602).
 */
const TRANSIENT_MONGO_CODES = new Set([
  6, 7, 50, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436,
]);
const TRANSIENT_MONGO_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
]);

/**
 * Messages of drivers that give such errors no code: pg's pool and client, ioredis, and Redis
 * replies while it loads its data or runs a busy script.
 */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Connection is closed/,
  /^Stream isn't writeable/,
  /^Reached the max retries per request limit/,
  /^Command timed out/,
  /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN) /,
  // The Mongo driver's own socket errors, also when a bulk write reports them as its error.
  /^connection \d+ to \S+ (timed out|closed)/,
];

export function isTransientError(err: unknown): boolean {
  if (err instanceof AggregateError && err.errors.length > 0)
    return err.errors.every((e) => isTransientError(e));
  if (err instanceof AmatoError) return err.retriable;
  if (typeof err !== 'object' || err === null) return false;
  const { code, errno, name, message, retriable, errorLabels } = err as {
    code?: unknown;
    errno?: unknown;
    name?: unknown;
    message?: unknown;
    retriable?: unknown;
    errorLabels?: unknown;
  };
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || TRANSIENT_SQLSTATE.test(code)))
    return true;
  if (typeof errno === 'number' && TRANSIENT_MYSQL_ERRNOS.has(errno)) return true;
  if (typeof code === 'number' && TRANSIENT_MONGO_CODES.has(code)) return true;
  if (typeof name === 'string' && TRANSIENT_MONGO_NAMES.has(name)) return true;
  if (
    Array.isArray(errorLabels) &&
    errorLabels.some((l) => l === 'RetryableWriteError' || l === 'TransientTransactionError')
  )
    return true;
  // KafkaJS marks its own errors: a leader moving, a request timing out.
  if (typeof name === 'string' && name.startsWith('KafkaJS') && retriable === true) return true;
  if (typeof message === 'string' && TRANSIENT_MESSAGES.some((m) => m.test(message))) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isTransientError(cause);
}
