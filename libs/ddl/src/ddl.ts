import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Document, IndexDescription } from 'mongodb';
import { createLogger } from '@amato/common';
import type { MongoService } from '@amato/mongo';
import type { MysqlService } from '@amato/mysql';
import type { PostgresService } from '@amato/postgres';

const logger = createLogger('ddl');

/** The ddl/ folder of the checkout (services run from the repository root, like config/). */
export function defaultDdlDir(): string {
  return resolve(process.cwd(), 'ddl');
}

/** Splits a SQL file into statements: drops `--` comment lines, splits on `;` at line ends. */
export function sqlStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0);
}

function identifier(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name))
    throw new Error(`not a safe schema or database name: "${name}"`);
  return name;
}

/** Creates the database if missing and applies ddl/mysql_schema.sql inside it. Idempotent. */
export async function applyMysqlSchema(
  mysql: MysqlService,
  database: string,
  ddlDir = defaultDdlDir(),
): Promise<void> {
  const db = identifier(database);
  const statements = sqlStatements(readFileSync(resolve(ddlDir, 'mysql_schema.sql'), 'utf8'));
  const connection = await mysql.pool.getConnection();
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await connection.query(`USE \`${db}\``);
    for (const statement of statements) await connection.query(statement);
  } finally {
    // The pool's connections start in the configured database; put this one back.
    await connection.query(`USE \`${identifier(mysql.database)}\``).catch(() => undefined);
    connection.release();
  }
}

/** Creates the schema if missing and applies ddl/postgresql_schema.sql inside it. Idempotent. */
export async function applyPostgresSchema(
  postgres: PostgresService,
  schema: string,
  ddlDir = defaultDdlDir(),
): Promise<void> {
  const name = identifier(schema);
  const sql = readFileSync(resolve(ddlDir, 'postgresql_schema.sql'), 'utf8');
  await postgres.transaction(async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${name}`);
    await client.query(`SET LOCAL search_path TO ${name}`);
    await client.query(sql);
  });
}

/** A Trino table definition as the MongoDB connector reads it from its schema collection. */
export interface TrinoTableDefinition {
  readonly table: string;
  readonly fields: readonly { name: string; type: string; hidden: boolean }[];
}

interface MongoSchema {
  readonly collections: Record<
    string,
    { validator: Document; indexes: (IndexDescription & { name: string })[] }
  >;
  readonly trinoTables: () => TrinoTableDefinition[];
  readonly TRINO_SCHEMA_COLLECTION: string;
}

function mongoSchema(ddlDir: string): MongoSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the schema file is plain JS shared with mongosh
  return require(resolve(ddlDir, 'mongodb_schema.js')) as MongoSchema;
}

/** The columns Trino sees for each clickstream collection, from ddl/mongodb_schema.js. */
export function trinoMongoTables(ddlDir = defaultDdlDir()): TrinoTableDefinition[] {
  return mongoSchema(ddlDir).trinoTables();
}

/**
 * Creates the clickstream collections of ddl/mongodb_schema.js with their validators and
 * indexes, and writes their Trino table definitions to the schema collection, replacing any
 * that Trino inferred from a sampled document. Validators are a second line behind the
 * contracts' validation at the edge: a real MongoDB enforces them; the local wire-protocol
 * server accepts them without enforcing, and a server that refuses them still gets its
 * collections and indexes (with a warning).
 */
export async function applyMongoSchema(
  mongo: MongoService,
  database: string,
  ddlDir = defaultDdlDir(),
): Promise<void> {
  const { collections, trinoTables, TRINO_SCHEMA_COLLECTION } = mongoSchema(ddlDir);
  const db = mongo.db(database);
  const existing = new Set(
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
  );
  for (const [name, spec] of Object.entries(collections)) {
    try {
      if (existing.has(name)) await db.command({ collMod: name, validator: spec.validator });
      else await db.createCollection(name, { validator: spec.validator });
    } catch (err) {
      logger.warn(
        { collection: name, err: (err as Error).message },
        'validators not supported by this server; collection created without',
      );
      if (!existing.has(name)) await db.createCollection(name).catch(() => undefined);
    }
    await db.collection(name).createIndexes(spec.indexes);
  }
  const schema = db.collection<TrinoTableDefinition>(TRINO_SCHEMA_COLLECTION);
  for (const definition of trinoTables()) {
    await schema.replaceOne({ table: definition.table }, definition, { upsert: true });
  }
}
