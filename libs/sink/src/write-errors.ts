/**
 * A write error that retrying cannot fix: the data itself is refused (too long, a check or
 * unique constraint, a missing parent). Anything else (a lost connection, a timeout, a
 * deadlock) is transient, and the batch is retried instead.
 */
export function isPermanentWriteError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { errno, code } = err as { errno?: unknown; code?: unknown };
  // MySQL/MariaDB: data too long, bad value, duplicate (another row's unique key), missing
  // parent, check constraint (MariaDB 4025, MySQL 3819), out of range.
  if (typeof errno === 'number' && [1062, 1264, 1292, 1366, 1406, 1452, 3819, 4025].includes(errno))
    return true;
  // PostgreSQL SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
  if (typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code)) return true;
  // MongoDB: bad value (2), document validation failure (121).
  if (typeof code === 'number' && [2, 121].includes(code)) return true;
  return false;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
