import { type Standardization, standardizeInto } from './feature-vector';

const model: Standardization = {
  features: ['recency_days', 'frequency', 'is_engaged'],
  mean: Float64Array.of(100, 4, 0.5),
  scale: Float64Array.of(50, 2, 1),
};

function standardized(input: Parameters<typeof standardizeInto>[1]): number[] {
  const out = new Float64Array(3);
  standardizeInto(model, input, out);
  return [...out];
}

describe(standardizeInto.name, () => {
  it('standardizes an object by name, ignoring keys the model does not read', () => {
    expect(
      standardized({ frequency: 8, is_engaged: 0, recency_days: 25, churn_risk: 0.1 }),
    ).toEqual([-1.5, 2, -0.5]);
  });

  it('standardizes a vector in model order', () => {
    expect(standardized([25, 8, 0])).toEqual([-1.5, 2, -0.5]);
  });

  it('names a missing or non-finite feature', () => {
    expect(() => standardized({ recency_days: 1, is_engaged: 1 })).toThrow(
      new RangeError('feature frequency: expected a finite number, got nothing'),
    );
    expect(() => standardized({ recency_days: 1, frequency: NaN, is_engaged: 1 })).toThrow(
      /feature frequency: expected a finite number, got NaN/,
    );
    expect(() => standardized([1, 2, Infinity])).toThrow(
      /feature is_engaged: expected a finite number, got Infinity/,
    );
    const text = { recency_days: '3', frequency: 1, is_engaged: 1 } as unknown as Record<
      string,
      number
    >;
    expect(() => standardized(text)).toThrow(
      /feature recency_days: expected a finite number, got string/,
    );
  });

  it('refuses a vector of another length, listing the order it expects', () => {
    expect(() => standardized([1, 2])).toThrow(
      new RangeError('expected 3 feature values (recency_days, frequency, is_engaged), got 2'),
    );
  });
});
