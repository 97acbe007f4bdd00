import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { httpMetricsHooks, MetricsModule, MetricsRegistry } from '@ecommerce/observability';
import { metricValue } from '@ecommerce/testing';
import { PUBLIC_KEY } from '../auth/auth.decorators';
import { NO_RATE_LIMIT_KEY } from '../rate-limit/rate-limit.decorators';
import { MetricsController } from './metrics.controller';
import { MetricsEndpointModule } from './metrics-endpoint.module';

@Controller('api/v1/widgets')
class WidgetsController {
  @Get(':id')
  get(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new NotFoundException();
    return { id };
  }
}

describe('GET /metrics on the gateway', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [MetricsModule.forRoot('gateway'), MetricsEndpointModule],
      controllers: [WidgetsController],
    }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.getHttpAdapter().getInstance().addHook('onResponse', httpMetricsHooks(app.get(MetricsRegistry)).onResponse);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('serves Prometheus text with each request counted under its route template', async () => {
    const get = async (url: string, status: number) => {
      const response = await app.inject({ method: 'GET', url });
      expect({ url, status: response.statusCode }).toEqual({ url, status });
      return response;
    };
    await get('/api/v1/widgets/1', 200);
    await get('/api/v1/widgets/2', 200);
    await get('/api/v1/widgets/missing', 404);
    await get('/no/such/route', 404);

    const response = await get('/metrics', 200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const count = (name: string, route: string, status_code: string) =>
      metricValue(response.body, name, { service: 'gateway', method: 'GET', route, status_code });
    expect(count('http_server_requests_total', '/api/v1/widgets/:id', '200')).toBe(2);
    expect(count('http_server_requests_total', '/api/v1/widgets/:id', '404')).toBe(1);
    expect(count('http_server_requests_total', 'unmatched', '404')).toBe(1);
    expect(count('http_server_request_duration_seconds_count', '/api/v1/widgets/:id', '200')).toBe(2);
    expect(metricValue(response.body, 'process_cpu_user_seconds_total', { service: 'gateway' })).toBeGreaterThan(0);
    expect(response.body).not.toContain('/api/v1/widgets/1"');
  });

  it('is served to anyone, however often: no token, no rate limit, like the health probes', () => {
    expect(Reflect.getMetadata(PUBLIC_KEY, MetricsController)).toBe(true);
    expect(Reflect.getMetadata(NO_RATE_LIMIT_KEY, MetricsController)).toBe(true);
  });
});
