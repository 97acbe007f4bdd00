import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { NoRateLimit } from '../rate-limit/rate-limit.decorators';
import { ReadinessService } from './readiness.service';

// Probes: open to load balancers and never rate-limited.
@ApiTags('operations')
@Public()
@NoRateLimit()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process is up and its event loop answers. Never checks dependencies. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when every backend has a replica that reports SERVING; otherwise 503 as
   * problem+json naming the ones that have none, with every backend's status and each of its
   * replicas' (`replicas`).
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: 200 when every backend is SERVING, else 503 naming the ones that are not' })
  @ApiResponse({ status: 200, description: 'every backend SERVING' })
  @ApiResponse({
    status: 503,
    description: 'problem+json with `services`: each backend’s health status, and `replicas`: each of its replicas’',
  })
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, services, replicas } = await this.readiness.check();
    if (ready) {
      await reply.code(200).send({ status: 'ok', services, replicas });
      return;
    }
    const unhealthy = Object.keys(services).filter((name) => services[name] !== 'SERVING');
    await reply
      .code(503)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: `Not ready: ${unhealthy.join(', ')}`,
        services,
        replicas,
      });
  }
}
