import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MetricsRegistry } from '@ecommerce/observability';
import { Public } from '../auth/auth.decorators';
import { withoutEtag } from '../http/conditional-get';
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
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const body = await this.registry.metrics();
    withoutEtag(reply);
    await reply.code(200).header('Content-Type', this.registry.contentType).send(body);
  }
}
