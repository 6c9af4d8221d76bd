import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  allocateBudget,
  AllocationError,
  type AllocationRequest,
  marginalAt,
  type ResponseCurve,
  revenueAt,
} from './budget-allocation';

const CHANNELS = ['email', 'social', 'search', 'display', 'affiliate', 'video'];

const curve = (channel: string, ceiling: number, scale: number): ResponseCurve => ({
  channel,
  ceiling,
  scale,
});

/** Curves for every channel, and a request over some of them with limits that may or may not fit. */
const arbitraryCase = fc
  .record({
    curves: fc.tuple(
      ...CHANNELS.map((c) =>
        fc
          .record({
            ceiling: fc.double({ min: 100, max: 1e6, noNaN: true }),
            scale: fc.double({ min: 10, max: 1e5, noNaN: true }),
          })
          .map(({ ceiling, scale }) => curve(c, ceiling, scale)),
      ),
    ),
    used: fc.subarray(CHANNELS, { minLength: 1 }),
    budget: fc.double({ min: 0, max: 1e6, noNaN: true }),
    objective: fc.constantFrom('revenue' as const, 'profit' as const),
    limits: fc.array(
      fc.record({
        min: fc.option(fc.double({ min: 0, max: 2e5, noNaN: true }), { nil: undefined }),
        extra: fc.option(fc.double({ min: 0, max: 5e5, noNaN: true }), { nil: undefined }),
      }),
      { minLength: 6, maxLength: 6 },
    ),
  })
  .map(({ curves, used, budget, objective, limits }) => ({
    curves,
    request: {
      budget,
      objective,
      channels: used.map((channel, i) => {
        const { min, extra } = limits[i] ?? {};
        return {
          channel,
          ...(min !== undefined ? { min } : {}),
          ...(extra !== undefined ? { max: (min ?? 0) + extra } : {}),
        };
      }),
    } satisfies AllocationRequest,
  }));

const objectiveOf = (request: AllocationRequest, revenue: number, spend: number) =>
  request.objective === 'revenue' ? revenue : revenue - spend;

describe(allocateBudget.name, () => {
  it('never breaks a limit, spends what the objective calls for, and no transfer between two channels does better', () => {
    fc.assert(
      fc.property(arbitraryCase, ({ curves, request }) => {
        const minimums = request.channels.reduce((s, c) => s + (c.min ?? 0), 0);
        if (minimums > request.budget) {
          expect(() => allocateBudget(curves, request)).toThrow(
            new AllocationError(
              'budget',
              `the channels' minimums add up to ${minimums}, more than the budget of ${request.budget}`,
            ),
          );
          return;
        }
        const out = allocateBudget(curves, request);
        const tolerance = 1e-9 * Math.max(1, request.budget);
        expect(out.spend).toBeLessThanOrEqual(request.budget);
        request.channels.forEach((limits, i) => {
          const got = out.channels[i];
          expect(got?.channel).toBe(limits.channel);
          expect(got?.spend).toBeGreaterThanOrEqual(limits.min ?? 0);
          expect(got?.spend).toBeLessThanOrEqual(limits.max ?? request.budget);
        });
        const maximums = request.channels.reduce(
          (s, c) => s + (c.max ?? Math.max(request.budget, c.min ?? 0)),
          0,
        );
        // Revenue: all of it is spent, up to the maximums.
        if (request.objective === 'revenue')
          expect(out.spend).toBeGreaterThanOrEqual(Math.min(request.budget, maximums) - tolerance);
        // Moving a little spend from one channel to another, within the limits, gains nothing.
        const byName = new Map(curves.map((c) => [c.channel, c]));
        const value = (spends: number[]) =>
          objectiveOf(
            request,
            spends.reduce(
              (s, x, i) =>
                s + revenueAt(byName.get(request.channels[i]?.channel ?? '') as ResponseCurve, x),
              0,
            ),
            spends.reduce((s, x) => s + x, 0),
          );
        const spends = out.channels.map((c) => c.spend);
        const best = value(spends);
        const delta = Math.max(1e-3, 1e-4 * request.budget);
        spends.forEach((_, i) => {
          spends.forEach((__, j) => {
            if (i === j) return;
            const moved = [...spends];
            const room = Math.min(
              delta,
              (moved[j] ?? 0) - (request.channels[j]?.min ?? 0),
              (request.channels[i]?.max ?? request.budget) - (moved[i] ?? 0),
            );
            if (room <= 0) return;
            moved[i] = (moved[i] ?? 0) + room;
            moved[j] = (moved[j] ?? 0) - room;
            expect(value(moved)).toBeLessThanOrEqual(best + 1e-9 * Math.max(1, Math.abs(best)));
          });
        });
        // Profit: no channel is pushed past where a unit returns less than it costs, unless its
        // minimum says so.
        if (request.objective === 'profit')
          for (const c of out.channels)
            if (c.at !== 'min') expect(c.marginal_return).toBeGreaterThanOrEqual(1 - 1e-9);
      }),
      { numRuns: 500 },
    );
  });

  it('matches a search over every split of the budget between two channels', () => {
    const curves = [curve('email', 5000, 400), curve('search', 20_000, 3000)];
    for (const budget of [100, 1000, 5000, 20_000]) {
      const request: AllocationRequest = {
        budget,
        objective: 'revenue',
        channels: [{ channel: 'email' }, { channel: 'search', min: 50 }],
      };
      const out = allocateBudget(curves, request);
      let best = -Infinity;
      for (let s = 0; s <= budget - 50; s += budget / 10_000)
        best = Math.max(
          best,
          revenueAt(curves[0] as ResponseCurve, s) +
            revenueAt(curves[1] as ResponseCurve, budget - s),
        );
      expect(out.revenue).toBeGreaterThanOrEqual(best - 1e-6 * best);
      expect(out.revenue).toBeLessThanOrEqual(best * (1 + 1e-4));
    }
  });

  it('leaves budget unspent for profit once a unit of spend returns less than it costs', () => {
    const out = allocateBudget([curve('email', 1000, 500)], {
      budget: 10_000,
      objective: 'profit',
      channels: [{ channel: 'email' }],
    });
    // r'(s) = 2 e^(−s/500) = 1 at s = 500 ln 2.
    expect(out.channels[0]?.spend).toBeCloseTo(500 * Math.log(2), 6);
    expect(out.channels[0]?.marginal_return).toBeCloseTo(1, 9);
    expect(out.unspent).toBeCloseTo(10_000 - 500 * Math.log(2), 6);
    expect(marginalAt(curve('x', 1000, 500), 0)).toBe(2);
  });

  it('refuses a request it cannot meet, naming the field', () => {
    const curves = [curve('email', 1000, 500)];
    const refused = (request: AllocationRequest, message: string) => {
      expect(() => allocateBudget(curves, request)).toThrow(message);
    };
    const base = { budget: 100, objective: 'revenue' as const };
    refused({ ...base, channels: [] }, 'channels: name at least one channel');
    refused(
      { ...base, channels: [{ channel: 'tv' }] },
      'channels[0].channel: no response curve for "tv"; the model knows email',
    );
    refused(
      { ...base, channels: [{ channel: 'email' }, { channel: 'email' }] },
      'channels[1].channel: "email" is named twice',
    );
    refused({ ...base, channels: [{ channel: 'email', min: 10, max: 5 }] }, 'channels[0].max');
    refused({ ...base, channels: [{ channel: 'email', min: -1 }] }, 'channels[0].min');
    refused({ ...base, budget: Number.NaN, channels: [{ channel: 'email' }] }, 'budget: expected');
    refused(
      { ...base, channels: [{ channel: 'email', min: 150 }] },
      "budget: the channels' minimums add up to 150, more than the budget of 100",
    );
  });
});

describe('allocateBudget against scipy', () => {
  interface Problem {
    budget: number;
    channels: {
      channel: string;
      ceiling: number;
      scale: number;
      min: number;
      max: number;
      spend: number;
    }[];
  }
  const { problems } = JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'allocations.json'), 'utf8'),
  ) as { problems: Problem[] };

  it.each(problems.map((p, i) => [i, p] as const))(
    'splits budget %i as SLSQP does (amato_ml.campaign.optimise)',
    (_, problem) => {
      const curves = problem.channels.map((c) => curve(c.channel, c.ceiling, c.scale));
      const result = allocateBudget(curves, {
        budget: problem.budget,
        objective: 'revenue',
        channels: problem.channels.map((c) => ({ channel: c.channel, min: c.min, max: c.max })),
      });
      problem.channels.forEach((c, i) => {
        expect(Math.abs((result.channels[i]?.spend ?? NaN) - c.spend)).toBeLessThan(
          1e-4 * problem.budget,
        );
      });
      const theirs = problem.channels.reduce(
        (sum, c, i) => sum + revenueAt(curves[i] ?? curve('', 1, 1), c.spend),
        0,
      );
      // The bisection is at least as good as SLSQP's answer (to its tolerance).
      expect(result.revenue).toBeGreaterThanOrEqual(theirs - 1e-6 * theirs);
    },
  );
});
