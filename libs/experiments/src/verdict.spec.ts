import { decide, type VerdictEvidence } from './verdict';

const above = { lower: 0.01, upper: 0.03 };
const below = { lower: -0.03, upper: -0.01 };
const across = { lower: -0.01, upper: 0.02 };

const evidence = (
  treatment: string,
  primaryInterval: typeof above,
  guardrailInterval: typeof above = across,
): VerdictEvidence => ({
  treatment,
  primaryLift: (primaryInterval.lower + primaryInterval.upper) / 2,
  primaryInterval,
  guardrailInterval,
});

const verdict = (items: VerdictEvidence[], srmPValue = 0.5) =>
  decide({ srmPValue, srmAlpha: 0.001, primaryMetric: 'conversion', evidence: items });

describe(decide.name, () => {
  it('reports a broken split before anything else, however good the result', () => {
    expect(verdict([evidence('B', above)], 0.0001).decision).toBe('broken_srm');
  });

  it('ships a treatment whose primary interval lies above 0 and whose guardrail holds', () => {
    expect(verdict([evidence('B', above)])).toMatchObject({ decision: 'ship', winner: 'B' });
  });

  it('does not ship when the primary interval lies below 0', () => {
    expect(verdict([evidence('B', below)])).toMatchObject({ decision: 'dont_ship', winner: null });
  });

  it('does not ship a primary win that significantly harms the guardrail', () => {
    const v = verdict([evidence('B', above, below)]);
    expect(v).toMatchObject({ decision: 'dont_ship', winner: null });
    expect(v.reason).toMatch(/B lowers revenue \(the guardrail\)/);
  });

  it('keeps running while the primary interval covers 0', () => {
    expect(verdict([evidence('B', across)]).decision).toBe('keep_running');
  });

  it('ships the best of several winners and keeps running while one treatment is open', () => {
    const best = { lower: 0.02, upper: 0.06 };
    expect(
      verdict([evidence('B', above), evidence('C', best), evidence('D', below)]),
    ).toMatchObject({
      decision: 'ship',
      winner: 'C',
    });
    expect(verdict([evidence('B', below), evidence('C', across)]).decision).toBe('keep_running');
    expect(verdict([evidence('B', below), evidence('C', above, below)]).decision).toBe('dont_ship');
  });
});
