import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type HealthReport, HealthService } from '@amato/health';
import { Public } from './auth/api-key.guard';

@ApiTags('system')
@Public()
@Controller('health')
export class HealthController {
  // Explicit token: DI must not depend on emitted decorator metadata (tsx/esbuild has none).
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get()
  @ApiOperation({ summary: "Each dependency's state; 503 when any is down" })
  @ApiResponse({ status: 200, description: 'every dependency is up' })
  @ApiResponse({
    status: 503,
    description: 'at least one dependency is down; the body says which and why',
  })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.report();
    if (report.status !== 'ok') void reply.status(503);
    return report;
  }
}
