import { api } from '@ecommerce/testing/e2e';

const ROUTES = [
  ['post', '/api/v1/auth/register'],
  ['post', '/api/v1/auth/login'],
  ['get', '/.well-known/jwks.json'],
  ['get', '/api/v1/users/me'],
  ['patch', '/api/v1/users/me'],
  ['get', '/api/v1/users'],
  ['get', '/api/v1/users/{id}'],
  ['delete', '/api/v1/users/{id}'],
  ['get', '/api/v1/products'],
  ['post', '/api/v1/products'],
  ['get', '/api/v1/products/{id}'],
  ['post', '/api/v1/products/{id}/restock'],
  ['post', '/api/v1/orders'],
  ['get', '/api/v1/orders'],
  ['get', '/api/v1/orders/{id}'],
  ['post', '/api/v1/orders/{id}/cancel'],
  ['get', '/api/v1/orders/{id}/timeline'],
  ['get', '/api/v1/orders/{id}/payment'],
  ['get', '/api/v1/notifications'],
  ['get', '/api/v1/admin/dead-letters'],
  ['get', '/api/v1/admin/dead-letters/{id}'],
  ['post', '/api/v1/admin/dead-letters/replay'],
  ['post', '/api/v1/admin/dead-letters/{id}/replay'],
  ['post', '/api/v1/admin/dead-letters/{id}/discard'],
] as const;

interface Operation {
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
  security?: unknown[];
}

describe('OpenAPI and Swagger UI', () => {
  it('GET /docs-json: an OpenAPI 3 document with every route, its schemas, bearer auth and problem+json errors', async () => {
    const res = await api().get('/docs-json').expect(200);
    const doc = res.body as {
      openapi: string;
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { scheme: string }> };
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.values(doc.components.securitySchemes).map((s) => s.scheme)).toContain('bearer');
    for (const [method, path] of ROUTES) {
      const operation = doc.paths[path]?.[method];
      expect({ route: `${method} ${path}`, documented: Boolean(operation) }).toEqual({ route: `${method} ${path}`, documented: true });
      const ok = Object.entries(operation?.responses ?? {}).find(([status]) => status.startsWith('2'));
      expect(ok).toBeDefined();
      const problems = Object.entries(operation?.responses ?? {}).filter(([status]) => /^[45]/.test(status));
      expect(problems.length).toBeGreaterThan(0);
      for (const [, response] of problems) {
        expect(response.content?.['application/problem+json']?.schema.$ref).toBe('#/components/schemas/ProblemDetails');
      }
    }
    expect(doc.paths['/api/v1/orders']?.['post']?.requestBody?.content['application/json']?.schema.$ref).toBe(
      '#/components/schemas/CreateOrderRequest',
    );
    expect(doc.paths['/api/v1/orders']?.['post']?.security).toBeDefined();
    expect(doc.components.schemas).toHaveProperty('Order');
    expect(doc.components.schemas).toHaveProperty('ProblemDetails');
  });

  it('GET /docs serves Swagger UI whose scripts and styles load under the CSP', async () => {
    const page = await api().get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('swagger-ui');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    const assets = [...page.text.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => `/${(m[1] as string).replace(/^\//, '')}`);
    expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui-init.js']));
    for (const asset of assets) await api().get(asset).expect(200);
    const init = await api().get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/api/v1/orders/{id}/timeline');
  });

  it('sends security headers and a request id, and hides the framework', async () => {
    const res = await api().get('/api/v1/products').expect(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const own = await api().get('/api/v1/products').set('X-Request-Id', 'client-chosen-id-42').expect(200);
    expect(own.headers['x-request-id']).toBe('client-chosen-id-42');
  });
});
