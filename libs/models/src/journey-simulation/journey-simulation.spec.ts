import {
  absorptionProbabilities,
  buildChain,
  simulateJourneys,
  type PageTransition,
} from './journey-simulation';

const t = (from_page: string, to_page: string, probability: number): PageTransition => ({
  from_page,
  to_page,
  probability,
});

// From A: convert 0.3, leave 0.5, stay 0.2 → P(convert) = 0.3 / 0.8, E[steps] = 1 / 0.8.
const chain = [
  t('ENTRY', 'A', 1),
  t('A', 'confirmation', 0.3),
  t('A', 'EXIT', 0.5),
  t('A', 'A', 0.2),
  t('confirmation', 'EXIT', 1),
];

describe('journey simulation on the page-transition chain', () => {
  it('solves the conversion probability exactly on the absorbing chain', () => {
    const p = absorptionProbabilities(buildChain(chain));
    expect(p.get('A')).toBeCloseTo(0.375, 10);
    expect(p.get('ENTRY')).toBeCloseTo(0.375, 10);
  });

  it('simulates what the chain implies, within the simulation interval, and reproducibly', () => {
    const result = simulateJourneys(chain, 'A', { simulations: 20_000, maxSteps: 50, seed: 7 });
    expect(result.exactConversionProbability).toBeCloseTo(0.375, 10);
    expect(result.conversionInterval.lower).toBeLessThan(0.375);
    expect(result.conversionInterval.upper).toBeGreaterThan(0.375);
    expect(result.expectedSteps).toBeCloseTo(1.25, 1);
    expect(result.expectedStepsToConversion).toBeGreaterThanOrEqual(1);
    expect(result.nextPages).toEqual([
      { page: 'EXIT', probability: 0.5 },
      { page: 'confirmation', probability: 0.3 },
      { page: 'A', probability: 0.2 },
    ]);
    expect(result.topPaths[0]).toMatchObject({ path: ['EXIT'], conversionRate: 0 });
    expect(result.topPaths[0]?.share).toBeCloseTo(0.5, 1);
    expect(simulateJourneys(chain, 'A', { simulations: 20_000, maxSteps: 50, seed: 7 })).toEqual(
      result,
    );
  });

  it('counts sessions the step limit cuts short', () => {
    const result = simulateJourneys(chain, 'A', { simulations: 1000, maxSteps: 1, seed: 1 });
    expect(result.truncated).toBeGreaterThan(100);
    expect(result.expectedSteps).toBeLessThanOrEqual(1);
  });

  it('normalizes a page whose probabilities do not sum to 1, and refuses an unknown start or a bad probability', () => {
    const p = absorptionProbabilities(buildChain([t('A', 'confirmation', 2), t('A', 'EXIT', 2)]));
    expect(p.get('A')).toBeCloseTo(0.5, 10);
    expect(() =>
      simulateJourneys(chain, 'nowhere', { simulations: 1, maxSteps: 1, seed: 1 }),
    ).toThrow(
      /start page nowhere: no transitions leave it; known pages are A, ENTRY, confirmation/,
    );
    expect(() => buildChain([t('A', 'B', Number.NaN)])).toThrow(/A → B: probability NaN/);
  });
});
