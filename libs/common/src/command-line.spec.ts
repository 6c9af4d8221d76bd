import { parseCommandLine } from './command-line';
import { UsageError } from './errors';

const options = { limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

describe(parseCommandLine.name, () => {
  it('gives what parseArgs gives', () => {
    const { values } = parseCommandLine({ args: ['--limit', '5', '-h'], options });
    expect(values).toEqual({ limit: '5', help: true });
  });

  it('turns an unknown option or a missing value into a usage error naming it', () => {
    expect(() => parseCommandLine({ args: ['--lmit', '5'], options })).toThrow(UsageError);
    expect(() => parseCommandLine({ args: ['--lmit', '5'], options })).toThrow(/--lmit/);
    expect(() => parseCommandLine({ args: ['--limit'], options })).toThrow(
      /--limit.*; see --help$/,
    );
  });
});
