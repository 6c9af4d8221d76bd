import { DependencyUnavailableError } from '@amato/common';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import { MongoService } from './mongo.service';

describe(MongoService.name, () => {
  const config = testConfig();
  const database = uniqueName('test');
  let mongo: MongoService;

  beforeAll(async () => {
    mongo = await new MongoService(config.mongo).connect();
  });

  afterAll(async () => {
    await mongo.db(database).dropDatabase();
    await mongo.close();
  });

  it('writes documents with idempotent upserts and reads them back by index', async () => {
    const sessions = mongo
      .db(database)
      .collection<{ session_id: string; customer_id: string; pages: number }>('sessions');
    await sessions.createIndex({ session_id: 1 }, { unique: true });
    const upserts = [
      { session_id: 'SESS_1', customer_id: 'CUST_000001', pages: 3 },
      { session_id: 'SESS_2', customer_id: 'CUST_000002', pages: 7 },
    ].map((doc) => ({
      updateOne: { filter: { session_id: doc.session_id }, update: { $set: doc }, upsert: true },
    }));
    await sessions.bulkWrite(upserts, { ordered: false });
    await sessions.bulkWrite(upserts, { ordered: false });
    expect(await sessions.countDocuments()).toBe(2);
    expect(await sessions.findOne({ session_id: 'SESS_2' }, { projection: { _id: 0 } })).toEqual({
      session_id: 'SESS_2',
      customer_id: 'CUST_000002',
      pages: 7,
    });
  });

  it('rejects a duplicate on a unique index', async () => {
    const events = mongo.db(database).collection('events');
    await events.createIndex({ event_id: 1 }, { unique: true });
    await events.insertOne({ event_id: 'E1' });
    await expect(events.insertOne({ event_id: 'E1' })).rejects.toThrow(/duplicate key/i);
  });

  it('reports itself up in a health check', async () => {
    await expect(mongo.checkHealth()).resolves.toMatchObject({ name: 'mongo', status: 'up' });
  });

  it('fails to connect with a clear error naming the endpoint when MongoDB is down', async () => {
    const port = await closedPort();
    const down = new MongoService({ ...config.mongo, port });
    const failure = down.connect();
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toThrow(
      new RegExp(`^MongoDB at 127\\.0\\.0\\.1:${port} is unavailable: .*ECONNREFUSED`),
    );
  }, 30_000);
});
