import { exitCodeOf } from '@amato/common';
import { ExperimentInputError } from './experiment-input-error';

describe(ExperimentInputError.name, () => {
  it('names the test, the variant and the field before the problem', () => {
    const err = new ExperimentInputError(
      { testId: 'T-9', variant: 'B', field: 'converters' },
      'must not exceed users',
    );
    expect(err.message).toBe('test "T-9", variant "B", field converters: must not exceed users');
    expect(err).toMatchObject({ code: 'EXPERIMENT_INPUT_INVALID', retriable: false });
  });

  it('leaves out what the problem is not tied to', () => {
    const err = new ExperimentInputError(
      { testId: null, variant: null, field: 'options.alpha' },
      'bad',
    );
    expect(err.message).toBe('field options.alpha: bad');
  });

  it('fails a command with exit code 1: the data is wrong, not how the command was called', () => {
    expect(
      exitCodeOf(new ExperimentInputError({ testId: 'T', variant: null, field: 'x' }, 'y')),
    ).toBe(1);
  });
});
