/** Something that runs a parameterised statement: the pool (PostgresService) or one client. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** PostgreSQL allows 65,535 parameters a statement; chunks stay under it. */
const MAX_PARAMETERS = 60_000;

/** `($1, $2), ($3, $4)` for rows of `width` values. */
export function placeholders(rows: number, width: number): string {
  return Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`,
  ).join(', ');
}

/**
 * Inserts rows (one value per column, in order) with multi-row statements of parameters,
 * chunked under PostgreSQL's parameter limit. `suffix` follows each statement (an
 * `ON CONFLICT ...` clause). Table and column names are the caller's own, never user input.
 */
export async function insertRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  suffix = '',
): Promise<void> {
  const chunk = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders(part.length, columns.length)}${suffix ? ` ${suffix}` : ''}`,
      part.flat(),
    );
  }
}
