import { DependencyUnavailableError } from '@amato/common';
import { closedPort, testConfig, uniqueName } from '@amato/testing';
import { RedisService } from './redis.service';

describe(RedisService.name, () => {
  const config = testConfig();
  const prefix = `${uniqueName('test')}:`;
  let redis: RedisService;

  beforeAll(async () => {
    redis = await new RedisService(config.redis).connect();
  });

  afterAll(async () => {
    const keys = await redis.client.keys(`${prefix}*`);
    if (keys.length > 0) await redis.client.del(...keys);
    await redis.close();
  });

  it('writes and reads back a hash and a counter in one pipelined round trip', async () => {
    const key = `${prefix}{c:1}`;
    const results = await redis.client
      .multi()
      .hset(key, { orders: '2', revenue: '19.90' })
      .hincrby(key, 'orders', 1)
      .hgetall(key)
      .exec();
    expect(results?.map(([err]) => err)).toEqual([null, null, null]);
    expect(await redis.client.hgetall(key)).toEqual({ orders: '3', revenue: '19.90' });
  });

  it('reports itself up in a health check', async () => {
    await expect(redis.checkHealth()).resolves.toMatchObject({ name: 'redis', status: 'up' });
  });

  it('fails to connect with a clear error naming the endpoint when Redis is down', async () => {
    const port = await closedPort();
    const down = new RedisService({ ...config.redis, port });
    const failure = down.connect();
    await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(failure).rejects.toThrow(
      new RegExp(`Redis at 127\\.0\\.0\\.1:${port} is unavailable: .*ECONNREFUSED`),
    );
    await down.close();
  });
});
