/** What a batch file may name: `${mysql}.customers`, `${as_of}`, `${analytics}.rfm`, ... */
export type TemplateValues = Readonly<Record<string, string>>;

export class TemplateError extends Error {}

/**
 * Fills `${name}` placeholders. The values are catalogs, schemas and timestamps the runner
 * builds from validated config, never user text; an unknown name is an error that says which
 * and where, so a typo in a file never reaches Trino as SQL.
 */
export function renderSql(sql: string, values: TemplateValues, where: string): string {
  return sql.replace(/\$\{([a-z_]+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined)
      throw new TemplateError(
        `${where}: unknown placeholder \${${name}} (known: ${Object.keys(values)
          .map((k) => `\${${k}}`)
          .join(', ')})`,
      );
    return value;
  });
}

/**
 * A Trino timestamp literal for an instant, in UTC and without a zone: the stores keep their
 * times as UTC without one (MySQL DATETIME, BSON dates), so the comparison needs no session
 * time zone.
 */
export function timestampLiteral(at: Date): string {
  return `TIMESTAMP '${at.toISOString().replace('T', ' ').replace('Z', '')}'`;
}
