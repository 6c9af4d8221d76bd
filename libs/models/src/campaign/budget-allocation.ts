/**
 * A channel's daily revenue as a function of its daily spend, saturating: r(s) = ceiling ·
 * (1 − e^(−s / scale)). Each further unit of spend returns less (r'(s) = ceiling / scale ·
 * e^(−s / scale)), the diminishing returns a channel shows when its audience is reached.
 */
export interface ResponseCurve {
  readonly channel: string;
  /** The revenue the channel approaches however much is spent. */
  readonly ceiling: number;
  /** The spend at which it reaches 1 − 1/e (63%) of the ceiling. */
  readonly scale: number;
}

export const revenueAt = (c: ResponseCurve, spend: number): number =>
  c.ceiling * -Math.expm1(-spend / c.scale);

/** The revenue the next unit of spend brings at `spend`. */
export const marginalAt = (c: ResponseCurve, spend: number): number =>
  (c.ceiling / c.scale) * Math.exp(-spend / c.scale);

export interface ChannelLimits {
  readonly channel: string;
  readonly min?: number;
  readonly max?: number;
}

export interface AllocationRequest {
  /** The most that may be spent, over all channels. */
  readonly budget: number;
  /** The channels that may be used, each with its own minimum and maximum spend. */
  readonly channels: readonly ChannelLimits[];
  /**
   * revenue: the most revenue the budget buys (all of it is spent unless every channel is at
   * its maximum); profit: the most revenue less spend, so a channel gets spend only while the
   * next unit returns more than it costs, and part of the budget may be left.
   */
  readonly objective: 'revenue' | 'profit';
}

export interface ChannelAllocation {
  readonly channel: string;
  readonly spend: number;
  readonly revenue: number;
  /** The revenue of the next unit of spend there: equal across the channels not at a limit. */
  readonly marginal_return: number;
  readonly at: 'min' | 'max' | 'interior';
}

export interface Allocation {
  readonly channels: readonly ChannelAllocation[];
  readonly spend: number;
  readonly revenue: number;
  readonly unspent: number;
}

/** A request no allocation can satisfy, or that names what the model does not know. */
export class AllocationError extends Error {
  constructor(
    /** Where in the request, e.g. `channels[2].min`. */
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'AllocationError';
  }
}

interface Bounded {
  readonly curve: ResponseCurve;
  readonly min: number;
  readonly max: number;
}

/**
 * Each channel's spend where its marginal return is e^logLambda, within its limits (in logs: the
 * returns of large spends are far below what a double can divide by).
 */
function spendAt(b: Bounded, logLambda: number): number {
  const { ceiling, scale } = b.curve;
  const free = scale * (Math.log(ceiling / scale) - logLambda);
  return Math.min(b.max, Math.max(b.min, free));
}

/**
 * The spend per channel that maximises the objective under the request's limits: with concave,
 * separable responses the optimum gives every channel not at a limit the same marginal return
 * (the Karush–Kuhn–Tucker conditions), found by bisection on that return. Never returns an
 * allocation that breaks a limit; a request that cannot be met throws an AllocationError naming
 * the limit.
 */
export function allocateBudget(
  curves: readonly ResponseCurve[],
  request: AllocationRequest,
): Allocation {
  const byChannel = new Map(curves.map((c) => [c.channel, c]));
  const { budget } = request;
  if (!(Number.isFinite(budget) && budget >= 0))
    throw new AllocationError('budget', `expected a finite amount ≥ 0, got ${budget}`);
  if (request.channels.length === 0)
    throw new AllocationError('channels', 'name at least one channel');
  const seen = new Set<string>();
  const bounded: Bounded[] = request.channels.map((limits, i) => {
    const curve = byChannel.get(limits.channel);
    if (!curve) {
      throw new AllocationError(
        `channels[${i}].channel`,
        `no response curve for "${limits.channel}"; the model knows ${[...byChannel.keys()].join(', ')}`,
      );
    }
    if (seen.has(limits.channel))
      throw new AllocationError(`channels[${i}].channel`, `"${limits.channel}" is named twice`);
    seen.add(limits.channel);
    const min = limits.min ?? 0;
    const max = limits.max ?? Math.max(budget, min);
    if (!(Number.isFinite(min) && min >= 0))
      throw new AllocationError(`channels[${i}].min`, `expected a finite amount ≥ 0, got ${min}`);
    if (!(Number.isFinite(max) && max >= min)) {
      throw new AllocationError(
        `channels[${i}].max`,
        `expected a finite amount at least the minimum (${min}), got ${max}`,
      );
    }
    return { curve, min, max };
  });
  const minimums = bounded.reduce((sum, b) => sum + b.min, 0);
  if (minimums > budget) {
    throw new AllocationError(
      'budget',
      `the channels' minimums add up to ${minimums}, more than the budget of ${budget}`,
    );
  }
  const total = (logLambda: number) => bounded.reduce((sum, b) => sum + spendAt(b, logLambda), 0);
  // The marginal return of the optimum, in logs: 1 for profit when the budget allows it;
  // otherwise the one at which the spend is the budget (or none when every maximum fits in it).
  let logLambda: number;
  if (request.objective === 'profit' && total(0) <= budget) logLambda = 0;
  else if (total(-Infinity) <= budget) logLambda = -Infinity;
  else {
    // Bisection on log λ: from where every channel is at its maximum (the spend is over the
    // budget) to where every one is at its minimum (within it), to the precision of a double.
    let lo = Math.min(
      ...bounded.map((b) => Math.log(b.curve.ceiling / b.curve.scale) - b.max / b.curve.scale - 1),
    );
    // A little above the highest return of a first unit, so that every channel is at its
    // minimum there, rounding included.
    let hi = Math.log(Math.max(...bounded.map((b) => b.curve.ceiling / b.curve.scale))) + 1e-9;
    for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(hi)); i++) {
      const mid = (lo + hi) / 2;
      if (total(mid) > budget) lo = mid;
      else hi = mid;
    }
    logLambda = hi;
  }
  const channels = bounded.map((b): ChannelAllocation => {
    const spend = spendAt(b, logLambda);
    return {
      channel: b.curve.channel,
      spend,
      revenue: revenueAt(b.curve, spend),
      marginal_return: marginalAt(b.curve, spend),
      at: spend <= b.min ? 'min' : spend >= b.max ? 'max' : 'interior',
    };
  });
  const spend = channels.reduce((sum, c) => sum + c.spend, 0);
  return {
    channels,
    spend,
    revenue: channels.reduce((sum, c) => sum + c.revenue, 0),
    unspent: Math.max(0, budget - spend),
  };
}
