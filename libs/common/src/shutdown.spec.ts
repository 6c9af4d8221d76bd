import { ConfigError, DependencyUnavailableError, PortTakenError } from './errors';
import { exitCodeOf } from './shutdown';

describe(exitCodeOf.name, () => {
  it('exits 2 for what the user must correct in how the command is run', () => {
    expect(exitCodeOf(new ConfigError([{ key: 'a', problem: 'b' }], 'x.yaml'))).toBe(2);
  });

  it('exits 1 for a dependency that is down or a port that is taken', () => {
    expect(exitCodeOf(new DependencyUnavailableError('Kafka', 'h:1', new Error('x')))).toBe(1);
    expect(exitCodeOf(new PortTakenError('api.port', 'h', 1, 'AMATO_API__PORT', ''))).toBe(1);
  });
});
