import { Redis } from 'ioredis';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { DependencyUnavailableError } from '@amato/common';
import { redisCommandError } from './redis-errors';

describe(redisCommandError.name, () => {
  // lazyConnect: the client only names the endpoint here, it never connects.
  const client = new Redis({
    host: '10.0.0.1',
    port: 1234,
    maxRetriesPerRequest: 3,
    lazyConnect: true,
  });

  afterAll(() => {
    client.disconnect();
  });

  it('turns a lost connection into a DependencyUnavailableError naming Redis', () => {
    const err = redisCommandError(client, new Error('Connection is closed.'), 'retry later');
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).message).toBe(
      'Redis at 10.0.0.1:1234 is unavailable: Connection is closed. (retry later)',
    );
  });

  it('says what giving up after the reconnect attempts means', () => {
    const err = redisCommandError(client, new MaxRetriesPerRequestError(3));
    expect((err as Error).message).toMatch(
      /^Redis at 10\.0\.0\.1:1234 is unavailable: no connection after 3 attempts to reconnect/,
    );
  });

  it('leaves an error that retrying cannot fix as it is', () => {
    const wrongType = new Error(
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    );
    expect(redisCommandError(client, wrongType)).toBe(wrongType);
  });
});
