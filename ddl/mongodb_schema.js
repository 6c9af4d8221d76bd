// AMATO — MongoDB schema: clickstream collections, their validators and the indexes queries need.
// Works two ways: `mongosh amato ddl/mongodb_schema.js` applies it to the current database, and
// the AMATO stack loads it as a module (require) and applies the same definition via the driver.
// Each record's id is the event_id of the event that carried it; the unique index on it makes a
// redelivered event a no-op. `timestamp` is the event time.
//
// The same definition gives Trino's MongoDB connector its table definitions (`trinoTables`,
// written to the `_schema` collection of the database): without them Trino infers a
// collection's columns from one sampled document, and a field that is null there is invisible.

const str = { bsonType: 'string' };
const nullableStr = { bsonType: ['string', 'null'] };
const date = { bsonType: 'date' };
const int = { bsonType: ['int', 'long'], minimum: 0 };
const num = { bsonType: ['double', 'int', 'long', 'decimal'], minimum: 0 };
const nullableNum = { bsonType: ['double', 'int', 'long', 'decimal', 'null'], minimum: 0 };
const bool = { bsonType: 'bool' };

function collection(fields, indexes) {
  return {
    validator: {
      $jsonSchema: {
        bsonType: 'object',
        required: Object.keys(fields),
        properties: { _id: {}, ...fields },
        additionalProperties: false,
      },
    },
    indexes,
  };
}

const collections = {
  sessions: collection(
    {
      session_id: str,
      customer_id: nullableStr,
      start_time: date,
      end_time: date,
      duration_seconds: int,
      page_views: int,
      device_type: { enum: ['desktop', 'mobile', 'tablet'] },
      browser: str,
      os: str,
      traffic_source: str,
      campaign_id: nullableStr,
      landing_page: str,
      exit_page: str,
      is_bounce: bool,
      converted: bool,
    },
    [
      { key: { session_id: 1 }, name: 'uq_session_id', unique: true },
      { key: { customer_id: 1, start_time: -1 }, name: 'idx_customer_start' },
      { key: { start_time: 1 }, name: 'idx_start_time' },
      { key: { campaign_id: 1, start_time: 1 }, name: 'idx_campaign_start' },
    ],
  ),
  page_views: collection(
    {
      page_view_id: str,
      session_id: str,
      customer_id: nullableStr,
      timestamp: date,
      page_url: str,
      page_type: str,
      referrer: nullableStr,
      time_on_page_seconds: int,
      scroll_depth: { bsonType: ['double', 'int'], minimum: 0, maximum: 1 },
      product_id: nullableStr,
      category: nullableStr,
      sequence_number: int,
    },
    [
      { key: { page_view_id: 1 }, name: 'uq_page_view_id', unique: true },
      { key: { session_id: 1, sequence_number: 1 }, name: 'idx_session_sequence' },
      { key: { customer_id: 1, timestamp: -1 }, name: 'idx_customer_time' },
      { key: { timestamp: 1 }, name: 'idx_timestamp' },
    ],
  ),
  events: collection(
    {
      event_id: str,
      session_id: str,
      customer_id: nullableStr,
      timestamp: date,
      event_type: str,
      product_id: nullableStr,
      value: nullableNum,
      quantity: { bsonType: ['int', 'long', 'null'], minimum: 1 },
      transaction_id: nullableStr,
    },
    [
      { key: { event_id: 1 }, name: 'uq_event_id', unique: true },
      { key: { session_id: 1, timestamp: 1 }, name: 'idx_session_time' },
      { key: { customer_id: 1, timestamp: -1 }, name: 'idx_customer_time' },
      { key: { event_type: 1, timestamp: 1 }, name: 'idx_type_time' },
    ],
  ),
  product_interactions: collection(
    {
      interaction_id: str,
      session_id: str,
      customer_id: nullableStr,
      product_id: str,
      category: str,
      interaction_type: str,
      timestamp: date,
      duration_seconds: int,
      price: num,
    },
    [
      { key: { interaction_id: 1 }, name: 'uq_interaction_id', unique: true },
      { key: { product_id: 1, timestamp: -1 }, name: 'idx_product_time' },
      { key: { customer_id: 1, timestamp: -1 }, name: 'idx_customer_time' },
      { key: { session_id: 1 }, name: 'idx_session' },
    ],
  ),
  search_queries: collection(
    {
      search_id: str,
      session_id: str,
      customer_id: nullableStr,
      timestamp: date,
      query: str,
      results_count: int,
      clicked_result_position: { bsonType: ['int', 'long', 'null'], minimum: 1 },
      category_filter: nullableStr,
      converted: bool,
    },
    [
      { key: { search_id: 1 }, name: 'uq_search_id', unique: true },
      { key: { session_id: 1 }, name: 'idx_session' },
      { key: { customer_id: 1, timestamp: -1 }, name: 'idx_customer_time' },
      { key: { timestamp: 1 }, name: 'idx_timestamp' },
    ],
  ),
};

// The Trino type of a field: the widest of its BSON types (null aside). Numbers that may be
// fractional are double, whole numbers bigint, dates timestamp(3) (BSON dates are milliseconds).
const TRINO_TYPES = {
  string: 'varchar',
  bool: 'boolean',
  date: 'timestamp(3)',
  int: 'bigint',
  long: 'bigint',
  double: 'double',
  decimal: 'double',
};

function trinoType(collectionName, field, spec) {
  if (spec.enum) return 'varchar';
  const bson = [].concat(spec.bsonType).filter((t) => t !== 'null');
  const types = [...new Set(bson.map((t) => TRINO_TYPES[t]))];
  if (types.length === 1 && types[0]) return types[0];
  if (types.every((t) => t === 'bigint' || t === 'double')) return 'double';
  throw new Error(
    `${collectionName}.${field}: no Trino type for BSON ${JSON.stringify(spec.bsonType)}`,
  );
}

// One `_schema` document per collection: { table, fields: [{ name, type, hidden }] }. `_id` is
// the event id (a string), kept hidden as Trino hides its own ObjectId ids.
function trinoTables() {
  return Object.entries(collections).map(([table, spec]) => ({
    table,
    fields: [
      { name: '_id', type: 'varchar', hidden: true },
      ...Object.entries(spec.validator.$jsonSchema.properties)
        .filter(([field]) => field !== '_id')
        .map(([field, fieldSpec]) => ({
          name: field,
          type: trinoType(table, field, fieldSpec),
          hidden: false,
        })),
    ],
  }));
}

const TRINO_SCHEMA_COLLECTION = '_schema';

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { collections, trinoTables, TRINO_SCHEMA_COLLECTION };
} else {
  // mongosh: apply to the current database.
  const existing = db.getCollectionNames();
  for (const [name, spec] of Object.entries(collections)) {
    if (existing.includes(name)) db.runCommand({ collMod: name, validator: spec.validator });
    else db.createCollection(name, { validator: spec.validator });
    for (const index of spec.indexes) {
      db.getCollection(name).createIndex(index.key, {
        name: index.name,
        unique: Boolean(index.unique),
      });
    }
  }
  for (const definition of trinoTables()) {
    db.getCollection(TRINO_SCHEMA_COLLECTION).replaceOne({ table: definition.table }, definition, {
      upsert: true,
    });
  }
}
