import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { MetricsRegistry } from '@ecommerce/observability';
import { Public } from '../auth/auth.decorators';
import { NoRateLimit } from '../rate-limit/rate-limit.decorators';

// For Prometheus, like the probes: outside /api/v1, no token, never rate-limited. Keep the
// gateway's port off the public internet (or filter /metrics in front of it) in production.
@ApiTags('operations')
@Public()
@NoRateLimit()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: MetricsRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics: HTTP and gRPC client RED, process metrics' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format 0.0.4' })
  async metrics(@Res() res: Response): Promise<void> {
    const body = await this.registry.metrics();
    // end(), not send(): Express would rewrite the content type prom-client chose.
    res.status(200).setHeader('Content-Type', this.registry.contentType).end(body);
  }
}
