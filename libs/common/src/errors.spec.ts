import { ConfigError, DependencyUnavailableError, describeCause } from './errors';
import { probe } from './health';

describe(describeCause.name, () => {
  it('puts the driver code in front of the message once', () => {
    const err = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
    expect(describeCause(err)).toBe('ECONNREFUSED connect failed');
    const already = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(describeCause(already)).toBe('connect ECONNREFUSED 127.0.0.1:1');
  });

  it('describes the first error of an AggregateError (one per address tried)', () => {
    expect(describeCause(new AggregateError([new Error('first'), new Error('second')]))).toBe(
      'first',
    );
  });

  it('describes non-errors as text', () => {
    expect(describeCause('boom')).toBe('boom');
  });
});

describe(DependencyUnavailableError.name, () => {
  it('names the dependency, the endpoint, the cause and what to do', () => {
    const err = new DependencyUnavailableError('Redis', '127.0.0.1:1', new Error('refused'));
    expect(err.message).toMatch(
      /^Redis at 127\.0\.0\.1:1 is unavailable: refused \(is the stack up\?/,
    );
    expect(err.retriable).toBe(true);
    expect(err.code).toBe('DEPENDENCY_UNAVAILABLE');
  });
});

describe(ConfigError.name, () => {
  it('lists every problem on its own line', () => {
    const err = new ConfigError(
      [
        { key: 'a.b', problem: 'bad' },
        { key: 'c', problem: 'worse' },
      ],
      'x.yaml',
    );
    expect(err.message).toBe('invalid configuration (x.yaml):\n  - a.b: bad\n  - c: worse');
    expect(err.retriable).toBe(false);
  });
});

describe(probe.name, () => {
  it('reports up with a latency when the check resolves', async () => {
    const health = await probe('x', 'here', () => Promise.resolve());
    expect(health).toMatchObject({ name: 'x', endpoint: 'here', status: 'up' });
  });

  it('reports down with the cause when the check rejects', async () => {
    const health = await probe('x', 'here', () => Promise.reject(new Error('nope')));
    expect(health).toMatchObject({ status: 'down', error: 'nope' });
  });

  it('reports down when the check does not answer in time', async () => {
    const health = await probe('x', 'here', () => new Promise(() => undefined), 50);
    expect(health).toMatchObject({ status: 'down', error: 'no answer within 50 ms' });
  });
});
