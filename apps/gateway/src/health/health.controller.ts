import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ReadinessService } from './readiness.service';

@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process is up and its event loop answers. Never checks dependencies. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: 200 when every backend reports SERVING; otherwise 503 as problem+json
   * naming the ones that are not, with every backend's status.
   */
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const { ready, services } = await this.readiness.check();
    if (ready) {
      res.status(200).json({ status: 'ok', services });
      return;
    }
    const unhealthy = Object.keys(services).filter((name) => services[name] !== 'SERVING');
    res
      .status(503)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: `Not ready: ${unhealthy.join(', ')}`,
        services,
      });
  }
}
