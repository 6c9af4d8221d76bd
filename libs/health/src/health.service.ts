import { Inject, Injectable } from '@nestjs/common';
import type { DependencyHealth, HealthIndicator } from '@amato/common';

export const HEALTH_INDICATORS = Symbol('HEALTH_INDICATORS');

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly checkedAt: string;
  readonly dependencies: readonly DependencyHealth[];
}

/** Asks every registered dependency for its state, all at once, each with its own deadline. */
@Injectable()
export class HealthService {
  constructor(@Inject(HEALTH_INDICATORS) private readonly indicators: readonly HealthIndicator[]) {}

  async report(): Promise<HealthReport> {
    const dependencies = await Promise.all(this.indicators.map((i) => i.checkHealth()));
    return {
      status: dependencies.every((d) => d.status === 'up') ? 'ok' : 'degraded',
      checkedAt: new Date().toISOString(),
      dependencies,
    };
  }
}
