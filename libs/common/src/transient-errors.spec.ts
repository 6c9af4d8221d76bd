import { ConfigError, DependencyUnavailableError } from './errors';
import { isTransientError } from './transient-errors';

function withProps(message: string, props: Record<string, unknown>): Error {
  return Object.assign(new Error(message), props);
}

describe(isTransientError.name, () => {
  it.each([
    [
      'a refused connection',
      withProps('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }),
    ],
    ['a reset socket', withProps('read ECONNRESET', { code: 'ECONNRESET' })],
    ['mysql2 losing its connection', withProps('lost', { code: 'PROTOCOL_CONNECTION_LOST' })],
    ['a MySQL deadlock', withProps('Deadlock found', { errno: 1213, code: 'ER_LOCK_DEADLOCK' })],
    ['a MySQL lock wait timeout', withProps('Lock wait timeout', { errno: 1205 })],
    ['MySQL gone away', withProps('gone away', { errno: 2006 })],
    ['a PostgreSQL connection failure (08006)', withProps('terminated', { code: '08006' })],
    ['a PostgreSQL deadlock (40P01)', withProps('deadlock detected', { code: '40P01' })],
    [
      'a PostgreSQL serialization failure (40001)',
      withProps('could not serialize', { code: '40001' }),
    ],
    ['PostgreSQL out of connections (53300)', withProps('too many clients', { code: '53300' })],
    ['a PostgreSQL admin shutdown (57P01)', withProps('terminating', { code: '57P01' })],
    ['a PostgreSQL statement timeout (57014)', withProps('canceling statement', { code: '57014' })],
    ['a PostgreSQL lock not available (55P03)', withProps('lock', { code: '55P03' })],
    ['pg losing its connection', new Error('Connection terminated unexpectedly')],
    ['pg pool exhausted', new Error('timeout exceeded when trying to connect')],
    ['ioredis with Redis down', new Error('Connection is closed.')],
    ['ioredis giving up', new Error('Reached the max retries per request limit (which is 1).')],
    ['Redis loading its data', new Error('LOADING Redis is loading the dataset in memory')],
    ['Redis busy with a script', new Error('BUSY Redis is busy running a script.')],
    ['Mongo unreachable', withProps('selection', { name: 'MongoServerSelectionError' })],
    ['a Mongo network error', withProps('closed', { name: 'MongoNetworkError' })],
    ['a Mongo primary stepping down', withProps('stepdown', { code: 189 })],
    [
      'a Mongo bulk write whose connection timed out',
      withProps('connection 11 to 127.0.0.1:17017 timed out', { name: 'MongoBulkWriteError' }),
    ],
    ['a retryable Mongo write', withProps('x', { errorLabels: ['RetryableWriteError'] })],
    [
      'a retriable KafkaJS error',
      withProps('leader', { name: 'KafkaJSProtocolError', retriable: true }),
    ],
    [
      'a dependency AMATO found unavailable',
      new DependencyUnavailableError('Redis', 'h:1', new Error('x')),
    ],
    [
      'a cause that is transient',
      new Error('write failed', { cause: withProps('x', { code: 'ETIMEDOUT' }) }),
    ],
    [
      'happy eyeballs failing on every address',
      new AggregateError([
        withProps('a', { code: 'ECONNREFUSED' }),
        withProps('b', { code: 'ECONNREFUSED' }),
      ]),
    ],
  ])('says %s is transient', (_what, err) => {
    expect(isTransientError(err)).toBe(true);
  });

  it.each([
    [
      'a Lua error reply',
      withProps('ERR user_script:1: Script attempted to access nonexistent global', {}),
    ],
    ['MySQL column cannot be null (1048)', withProps("Column 'x' cannot be null", { errno: 1048 })],
    ['a MySQL duplicate key (1062)', withProps('Duplicate entry', { errno: 1062 })],
    ['a PostgreSQL check violation (23514)', withProps('violates check', { code: '23514' })],
    ['a PostgreSQL syntax error (42601)', withProps('syntax error', { code: '42601' })],
    ['a Mongo validation failure (121)', withProps('Document failed validation', { code: 121 })],
    [
      'a non-retriable KafkaJS error',
      withProps('too large', { name: 'KafkaJSProtocolError', retriable: false }),
    ],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a configuration error', new ConfigError([{ key: 'a', problem: 'b' }], 'here')],
    ['a thrown string', 'ECONNREFUSED'],
    ['null', null],
    [
      'an aggregate with one permanent error',
      new AggregateError([withProps('a', { code: 'ECONNREFUSED' }), new Error('bad')]),
    ],
  ])('says %s is not transient', (_what, err) => {
    expect(isTransientError(err)).toBe(false);
  });
});
