import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** One statement of a SQL file, with the line of the file it starts on (1-based). */
export interface SqlStatement {
  readonly sql: string;
  readonly line: number;
}

/** A step of the batch: one plain `.sql` file of sql/, run in the order of its number. */
export interface SqlScript {
  readonly file: string;
  readonly name: string;
  /** The leading comment block: what the file computes. */
  readonly description: string;
  /** The analytics tables it creates (`CREATE TABLE ${analytics}.<name>`), in order. */
  readonly produces: readonly string[];
  readonly statements: readonly SqlStatement[];
}

/** A batch step file: `NN_name.sql`. */
const SCRIPT_FILE = /^(\d{2})_[a-z0-9_]+\.sql$/;

/**
 * Splits SQL into statements at `;` outside string literals, quoted identifiers and comments,
 * keeping the line each starts on (for error messages that point into the file).
 */
export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let i = 0;
  const push = (end: number) => {
    const text = sql.slice(start, end);
    const leading = text.length - text.trimStart().length;
    const trimmed = text.trim();
    if (trimmed.length > 0 && !/^(--[^\n]*\n?\s*)*$/.test(trimmed)) {
      const skipped = text.slice(0, leading).split('\n').length - 1;
      out.push({ sql: stripTrailingComments(trimmed), line: startLine + skipped });
    }
  };
  while (i < sql.length) {
    const c = sql[i];
    if (c === '\n') line += 1;
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i += 1;
      continue;
    }
    if (c === "'" || c === '"') {
      i += 1;
      while (i < sql.length) {
        if (sql[i] === '\n') line += 1;
        if (sql[i] === c) {
          if (sql[i + 1] === c) i += 2;
          else break;
        } else i += 1;
      }
      i += 1;
      continue;
    }
    if (c === ';') {
      push(i);
      start = i + 1;
      startLine = line;
    }
    i += 1;
  }
  push(sql.length);
  return out;
}

function stripTrailingComments(sql: string): string {
  return sql.replace(/(\s*--[^\n]*)+$/, '').trim();
}

/** The leading `--` comment lines of a file, as text. */
function headerOf(sql: string): string {
  const lines: string[] = [];
  for (const raw of sql.split('\n')) {
    const l = raw.trim();
    if (l.startsWith('--')) lines.push(l.replace(/^--\s?/, ''));
    else if (l.length === 0 && lines.length === 0) continue;
    else break;
  }
  return lines.join('\n').trim();
}

export function parseScript(file: string, sql: string): SqlScript {
  const statements = splitStatements(sql);
  const produces = statements.flatMap((s) => {
    const code = s.sql.replace(/^(\s*--[^\n]*\n)+/, '').trimStart();
    const m = /^CREATE\s+TABLE\s+\$\{analytics\}\.([a-z0-9_]+)/i.exec(code);
    return m?.[1] ? [m[1]] : [];
  });
  return {
    file,
    name: basename(file, '.sql'),
    description: headerOf(sql),
    produces,
    statements,
  };
}

/** The batch steps of a folder (sql/), in order; other files are left alone. */
export function loadScripts(dir: string): SqlScript[] {
  return readdirSync(dir)
    .filter((f) => SCRIPT_FILE.test(f))
    .sort()
    .map((f) => parseScript(join(dir, f), readFileSync(join(dir, f), 'utf8')));
}
