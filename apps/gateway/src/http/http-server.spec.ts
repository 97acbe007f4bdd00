import { gzipSync } from 'node:zlib';
import { Body, Controller, Get, Headers, HttpCode, Ip, Param, Post, Query } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MetricsRegistry } from '@ecommerce/observability';
import { ProblemDetailsFilter } from '../problem-details/problem-details.filter';
import { serverOptions, setUpHttpServer } from './http-server';

@Controller('api/v1/things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string, @Query() query: Record<string, unknown>, @Ip() ip: string): unknown {
    return { id, query, ip };
  }

  @Post()
  @HttpCode(200)
  create(@Body() body: unknown, @Headers('content-type') type: string | undefined): unknown {
    return { body: body === undefined ? 'undefined' : body, type };
  }
}

describe('the gateway HTTP server', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      controllers: [ThingsController],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(serverOptions({ TRUST_PROXY_HOPS: 1 })), {
      bodyParser: false,
      logger: false,
    });
    setUpHttpServer(app.getHttpAdapter().getInstance(), new MetricsRegistry());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  const post = (payload: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    app.inject({ method: 'POST', url: '/api/v1/things', payload, headers });

  function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, detail?: string) {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ type: 'about:blank', status, ...(detail ? { detail } : {}) });
  }

  describe('request bodies: JSON as body-parser reads it', () => {
    it('parses JSON objects and arrays, in any UTF charset, compressed or not', async () => {
      expect((await post('{"a":1}')).json()).toEqual({ body: { a: 1 }, type: 'application/json' });
      expect((await post('[1]', { 'content-type': 'application/json; charset=utf-8' })).json()).toMatchObject({ body: [1] });
      const gzipped = await post(gzipSync('{"a":2}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(gzipped.json()).toMatchObject({ body: { a: 2 } });
    });

    it('reads an empty JSON body as {}, and leaves a body of any other type undefined', async () => {
      expect((await post('')).json()).toMatchObject({ body: {} });
      expect((await post('hello', { 'content-type': 'text/plain' })).json()).toMatchObject({ body: 'undefined' });
      expect((await post('{"a":1}', { 'content-type': 'application/vnd.api+json' })).json()).toMatchObject({ body: 'undefined' });
    });

    it('answers malformed JSON 400, a body over 1 MiB 413, another charset or encoding 415, never echoing it', async () => {
      const malformed = await post('{"email": "a@b.c", "password": ');
      expectProblem(malformed, 400, 'The request body is not valid JSON.');
      expect(malformed.body).not.toContain('a@b.c');
      expectProblem(await post('"a string"'), 400, 'The request body is not valid JSON.');
      expectProblem(await post(JSON.stringify({ x: 'x'.repeat(1024 * 1024) })), 413, 'The request body is larger than 1 MiB.');
      expectProblem(await post('{}', { 'content-type': 'application/json; charset=latin1' }), 415);
      expectProblem(await post('{}', { 'content-type': 'application/json', 'content-encoding': 'bogus' }), 415);
    });
  });

  describe('routing as the API always has', () => {
    it('matches paths whatever their case, with or without a trailing slash, however long a parameter', async () => {
      expect((await app.inject('/API/V1/Things/Abc')).json()).toMatchObject({ id: 'Abc' });
      expect((await app.inject('/api/v1/things/abc/')).json()).toMatchObject({ id: 'abc' });
      const long = 'x'.repeat(500);
      expect((await app.inject(`/api/v1/things/${long}`)).json()).toMatchObject({ id: long });
    });

    it('reads repeated query keys as arrays (node:querystring)', async () => {
      expect((await app.inject('/api/v1/things/1?a=1&a=2&b=')).json()).toMatchObject({ query: { a: ['1', '2'], b: '' } });
    });

    it('answers a parameter that is not valid percent-encoding 400, and an unknown path 404, as problem+json', async () => {
      const bad = await app.inject('/api/v1/things/%FF');
      expectProblem(bad, 400, "Failed to decode param '%FF'");
      expect(bad.headers['x-request-id']).toBeDefined();
      expect(bad.headers['content-security-policy']).toBeDefined();
      expectProblem(await app.inject('/api/v1/nope%FF'), 404, 'Cannot GET /api/v1/nope%FF');
      expect((await app.inject('/api/v1/things/a%2Fb%20c')).json()).toMatchObject({ id: 'a/b c' });
    });

    it('takes the client IP from X-Forwarded-For behind the trusted hops only', async () => {
      const res = await app.inject({ url: '/api/v1/things/1', headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' } });
      expect(res.json()).toMatchObject({ ip: '10.0.0.1' });
    });
  });

  describe('headers', () => {
    it('echoes a plausible X-Request-Id, and makes one up otherwise', async () => {
      expect((await app.inject({ url: '/api/v1/things/1', headers: { 'x-request-id': 'client-42' } })).headers['x-request-id']).toBe('client-42');
      const replaced = await app.inject({ url: '/api/v1/things/1', headers: { 'x-request-id': 'not an id' } });
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("sends helmet's security headers with the CSP Swagger UI needs, and no X-Powered-By", async () => {
      const res = await app.inject('/api/v1/things/1');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['strict-transport-security']).toBeDefined();
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp).not.toContain('upgrade-insecure-requests');
    });
  });

  describe('conditional GET', () => {
    it('tags a body with a weak ETag, and answers 304 without a body when If-None-Match names it', async () => {
      const first = await app.inject('/api/v1/things/1');
      const tag = first.headers['etag'] as string;
      expect(tag).toMatch(/^W\/"[^"]+"$/);
      const again = await app.inject({ url: '/api/v1/things/1', headers: { 'if-none-match': tag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      expect(again.headers['content-type']).toBeUndefined();
      const changed = await app.inject({ url: '/api/v1/things/2', headers: { 'if-none-match': tag } });
      expect(changed.statusCode).toBe(200);
    });

    it('never answers 304 to a POST', async () => {
      const first = await post('{"a":1}');
      const again = await post('{"a":1}', { 'content-type': 'application/json', 'if-none-match': first.headers['etag'] as string });
      expect(again.statusCode).toBe(200);
    });
  });
});
