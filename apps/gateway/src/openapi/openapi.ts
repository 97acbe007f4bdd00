import { applyDecorators, type INestApplication } from '@nestjs/common';
import { ApiResponse, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { openApiComponents, openApiSchema, responseSchema } from './registry';

export const problemDetailsSchema = responseSchema(
  'ProblemDetails',
  z.object({
    type: z.string().meta({ example: 'about:blank' }),
    title: z.string().meta({ example: 'Bad Request' }),
    status: z.number().int().meta({ example: 400 }),
    detail: z.string().optional(),
    code: z.string().optional().describe("the backend's domain error code, e.g. EMAIL_TAKEN"),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
  'RFC 9457 problem details: every error the API returns, as application/problem+json',
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'malformed JSON or a request that fails validation (`errors` lists each field)',
  401: 'missing, invalid or expired access token',
  403: 'authenticated, but the route is for admins',
  404: 'no such resource, or it belongs to another customer',
  409: 'conflict with the current state',
  413: 'request body larger than 1 MiB',
  422: 'Idempotency-Key reused with a different body',
  429: 'rate limit exceeded; see Retry-After and the RateLimit-* headers',
  501: 'not available yet',
  503: 'a backend service is unavailable, its circuit is open, or it missed its deadline',
};

/** Documents the problem+json answers of a route; 429 and 503 can happen on every route. */
export function ApiProblems(...statuses: number[]): MethodDecorator {
  const all = [...new Set([...statuses, 429, 503])].sort((a, b) => a - b);
  return applyDecorators(
    ...all.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? 'Error',
        content: { 'application/problem+json': { schema: openApiSchema(problemDetailsSchema, 'output') } },
      }),
    ),
  );
}

/** A successful JSON answer described by a zod response schema. */
export function ApiJson(status: number, schema: z.ZodType, description: string): MethodDecorator {
  return ApiResponse({ status, description, content: { 'application/json': { schema: openApiSchema(schema, 'output') } } });
}

/** Serves Swagger UI at /docs and the OpenAPI 3 document at /docs-json. */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('E-commerce platform API')
    .setDescription(
      'The public REST API of the gateway. Errors are RFC 9457 `application/problem+json`. ' +
        'Get a token with POST /api/v1/auth/login and send it as `Authorization: Bearer <token>`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...openApiComponents() } };
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'E-commerce platform API',
    swaggerOptions: { deepLinking: true },
  });
}
