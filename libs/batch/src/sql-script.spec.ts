import { parseScript, splitStatements } from './sql-script';
import { renderSql, TemplateError, timestampLiteral } from './sql-template';

describe(splitStatements.name, () => {
  it('splits at semicolons and keeps the line each statement starts on', () => {
    const sql = '-- header\n\nSELECT 1;\n\nSELECT\n  2;\n';
    expect(splitStatements(sql)).toEqual([
      { sql: '-- header\n\nSELECT 1', line: 1 },
      { sql: 'SELECT\n  2', line: 5 },
    ]);
  });

  it('does not split inside strings, quoted names or comments', () => {
    const sql = "SELECT 'a;b', \"c;d\" -- e;f\nFROM t;\nSELECT 'it''s; fine';";
    expect(splitStatements(sql).map((s) => s.sql)).toEqual([
      'SELECT \'a;b\', "c;d" -- e;f\nFROM t',
      "SELECT 'it''s; fine'",
    ]);
  });

  it('ignores a trailing comment after the last statement', () => {
    expect(splitStatements('SELECT 1;\n-- the end\n')).toEqual([{ sql: 'SELECT 1', line: 1 }]);
  });
});

describe(parseScript.name, () => {
  it('reads the description and the tables a step creates', () => {
    const script = parseScript(
      'sql/09_x.sql',
      '-- What it does.\n-- More.\n\nCREATE TABLE ${analytics}.a AS SELECT 1;\n-- b next\nCREATE TABLE ${analytics}.b AS SELECT 2;\nSELECT 3;',
    );
    expect(script).toMatchObject({
      name: '09_x',
      description: 'What it does.\nMore.',
      produces: ['a', 'b'],
    });
    expect(script.statements.map((s) => s.line)).toEqual([1, 5, 7]);
  });
});

describe(renderSql.name, () => {
  it('fills the placeholders', () => {
    expect(
      renderSql(
        'SELECT * FROM ${mysql}.t WHERE d <= ${as_of}',
        { mysql: 'mysql.amato', as_of: 'X' },
        'f:1',
      ),
    ).toBe('SELECT * FROM mysql.amato.t WHERE d <= X');
  });

  it('refuses an unknown placeholder, naming it and where it is', () => {
    expect(() => renderSql('SELECT ${nope}', { mysql: 'm' }, 'sql/01_a.sql:3')).toThrow(
      new TemplateError('sql/01_a.sql:3: unknown placeholder ${nope} (known: ${mysql})'),
    );
  });
});

describe(timestampLiteral.name, () => {
  it('writes a UTC timestamp without a zone, to the millisecond', () => {
    expect(timestampLiteral(new Date('2026-01-02T03:04:05.678Z'))).toBe(
      "TIMESTAMP '2026-01-02 03:04:05.678'",
    );
  });
});
