import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ModelArtifactError } from '../model-artifact-error';
import { AllocationError } from './budget-allocation';
import {
  CampaignResponse,
  type CampaignResponseArtifact,
  type PlanRequest,
} from './campaign-response';

const fixture = (): CampaignResponseArtifact =>
  JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'campaign-response.json'), 'utf8'),
  ) as CampaignResponseArtifact;

const request = (over: Partial<PlanRequest> = {}): PlanRequest => ({
  budget: 30_000,
  days: 10,
  objective: 'revenue',
  channels: [{ channel: 'email' }, { channel: 'search' }, { channel: 'social' }],
  ...over,
});

describe(CampaignResponse.name, () => {
  const model = CampaignResponse.fromArtifact(fixture());

  it('loads the fitted curves of ml/amato_ml/campaign with their names', () => {
    expect(model.channels).toEqual(['email', 'search', 'social']);
    expect(model.audiences[0]).toBe('everyone');
    expect(model.campaignTypes).toContain('seasonal');
  });

  it.each([
    [{ format: 'other' }, 'field format: expected "amato.campaign-response.v1"'],
    [{ quality_sigma: -1 }, 'field quality_sigma'],
    [{ channels: {} }, 'field channels: no channel has a curve'],
    [{ audiences: { everyone: 2, Champions: 1.5, Hibernating: 0.5 } }, "base's factor is not 1"],
  ])('refuses an artifact with %j', (change, message) => {
    const bad = { ...fixture(), ...change };
    expect(() => CampaignResponse.fromArtifact(bad)).toThrow(ModelArtifactError);
    expect(() => CampaignResponse.fromArtifact(bad)).toThrow(message);
  });

  it('refuses a bootstrap resample whose arrays do not match the names', () => {
    const bad = fixture();
    bad.samples[3]?.scale.pop();
    expect(() => CampaignResponse.fromArtifact(bad)).toThrow(
      'field samples.3.scale: 2 values, expected 3 (one per name)',
    );
  });

  it('spends the budget where the next unit returns most, with the best audience and type', () => {
    const plan = model.plan(request());
    expect(plan.spend).toBeCloseTo(30_000, 2);
    expect(plan.unspent).toBeCloseTo(0, 2);
    const a = fixture();
    const bestAudience = Object.entries(a.audiences).sort((x, y) => y[1] - x[1])[0]?.[0];
    expect(plan.channels.every((c) => c.audience === bestAudience)).toBe(true);
    const interior = plan.channels.filter((c) => c.at === 'interior');
    for (const c of interior)
      expect(c.marginal_return).toBeCloseTo(interior[0]?.marginal_return ?? 0, 3);
    expect(plan.revenue.expected).toBeCloseTo(
      plan.channels.reduce((s, c) => s + c.revenue.expected, 0),
      0,
    );
  });

  it('scales with the period: the same daily budget over twice the days earns twice as much', () => {
    const one = model.plan(request({ budget: 10_000, days: 5 }));
    const two = model.plan(request({ budget: 20_000, days: 10 }));
    expect(two.revenue.expected).toBeCloseTo(2 * one.revenue.expected, -1);
    one.channels.forEach((c, i) => {
      expect(two.channels[i]?.daily_spend).toBeCloseTo(c.daily_spend, 1);
    });
  });

  it('gives nested prediction intervals, the same ones for the same request', () => {
    const plan = model.plan(request());
    for (const e of [plan.revenue, ...plan.channels.map((c) => c.revenue)]) {
      expect(e.interval_95[0]).toBeLessThanOrEqual(e.interval_80[0]);
      expect(e.interval_80[0]).toBeLessThanOrEqual(e.interval_80[1]);
      expect(e.interval_80[1]).toBeLessThanOrEqual(e.interval_95[1]);
      expect(e.interval_95[0]).toBeGreaterThanOrEqual(0);
    }
    expect(plan.revenue.interval_80[0]).toBeLessThan(plan.revenue.expected);
    expect(plan.revenue.interval_80[1]).toBeGreaterThan(plan.revenue.expected);
    expect(model.plan(request())).toEqual(plan);
  });

  it('for profit, stops where the next unit returns less than it costs', () => {
    const plan = model.plan(request({ budget: 1e7, objective: 'profit' }));
    expect(plan.unspent).toBeGreaterThan(0);
    for (const c of plan.channels) expect(c.marginal_return).toBeCloseTo(1, 3);
  });

  it.each([
    [{ channels: [{ channel: 'video' }] }, 'channels[0].channel: no response curve for "video"'],
    [
      {
        channels: [
          { channel: 'email', min_spend: 20_000 },
          { channel: 'search', min_spend: 20_000 },
        ],
      },
      "budget: the channels' minimums add up to 40000, more than the budget of 30000",
    ],
    [
      { channels: [{ channel: 'email', min_spend: 10, max_spend: 5 }] },
      'channels[0].max_spend: expected a finite amount at least the minimum (10), got 5',
    ],
    [{ audiences: ['Lost'] }, 'audiences[0]: "Lost" is not one the curves were fitted on'],
    [{ campaign_types: [] }, 'campaign_types: name at least one'],
    [{ days: 0 }, 'days: expected a whole number of days ≥ 1, got 0'],
  ])('refuses %j, naming the field', (change, message) => {
    expect(() => model.plan(request(change as Partial<PlanRequest>))).toThrow(AllocationError);
    expect(() => model.plan(request(change as Partial<PlanRequest>))).toThrow(message);
  });

  it('refuses a channel the training data had too few campaigns of, saying why', () => {
    const skipped = CampaignResponse.fromArtifact({
      ...fixture(),
      skipped_channels: { video: '1 campaign(s), at least 2 are needed' },
    });
    expect(() => skipped.plan(request({ channels: [{ channel: 'video' }] }))).toThrow(
      'channels[0].channel: "video" has no response curve: 1 campaign(s), at least 2 are needed in the training data',
    );
  });

  it('never breaks a constraint of a random feasible request, and refuses the infeasible', () => {
    const channels = model.channels;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2e5, noNaN: true }),
        fc.integer({ min: 1, max: 90 }),
        fc.constantFrom('revenue' as const, 'profit' as const),
        fc.subarray([...channels], { minLength: 1 }),
        fc.array(
          fc.record({
            min: fc.option(fc.double({ min: 0, max: 5e4, noNaN: true }), { nil: undefined }),
            extra: fc.option(fc.double({ min: 0, max: 1e5, noNaN: true }), { nil: undefined }),
          }),
          { minLength: 3, maxLength: 3 },
        ),
        fc.subarray([...model.audiences], { minLength: 1 }),
        (budget, days, objective, used, limits, audiences) => {
          const wanted = used.map((channel, i) => {
            const l: { min?: number; extra?: number } = limits[i] ?? {};
            return {
              channel,
              min_spend: l.min,
              max_spend: l.extra === undefined ? undefined : (l.min ?? 0) + l.extra,
            };
          });
          const minimums = wanted.reduce((s, c) => s + (c.min_spend ?? 0), 0);
          const ask = () => model.plan({ budget, days, objective, channels: wanted, audiences });
          if (minimums > budget) {
            expect(ask).toThrow(AllocationError);
            return;
          }
          const plan = ask();
          const tolerance = 1e-6 * Math.max(1, budget) + 0.01;
          expect(plan.spend).toBeLessThanOrEqual(budget + tolerance);
          plan.channels.forEach((c, i) => {
            const w = wanted[i];
            expect(c.channel).toBe(w?.channel);
            expect(c.spend).toBeGreaterThanOrEqual((w?.min_spend ?? 0) - tolerance);
            if (w?.max_spend !== undefined)
              expect(c.spend).toBeLessThanOrEqual(w.max_spend + tolerance);
            expect(audiences).toContain(c.audience);
            expect(c.revenue.expected).toBeGreaterThanOrEqual(0);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
