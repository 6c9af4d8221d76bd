import { minimumDetectableEffect, requiredUsers, statisticalPower } from './power';

describe(minimumDetectableEffect.name, () => {
  it('is the effect at which the power reaches the target', () => {
    const d = minimumDetectableEffect(4000, 6000, 0.05, 0.8);
    expect(statisticalPower(d, 4000, 6000, 0.05)).toBeCloseTo(0.8, 12);
  });

  it('shrinks with the square root of the sample size', () => {
    const small = minimumDetectableEffect(1000, 1000, 0.05, 0.8);
    const large = minimumDetectableEffect(4000, 4000, 0.05, 0.8);
    expect(small / large).toBeCloseTo(2, 12);
  });
});

describe(requiredUsers.name, () => {
  it('is the sample size whose minimum detectable effect is the given effect', () => {
    const n = requiredUsers(0.05, 0.05, 0.9, 2);
    expect(minimumDetectableEffect(n, 2 * n, 0.05, 0.9)).toBeCloseTo(0.05, 12);
  });
});

describe(statisticalPower.name, () => {
  it('is alpha when there is no effect and grows towards 1 with it', () => {
    expect(statisticalPower(0, 1000, 1000, 0.05)).toBeCloseTo(0.05, 12);
    expect(statisticalPower(0.5, 1000, 1000, 0.05)).toBeGreaterThan(0.999);
  });
});
