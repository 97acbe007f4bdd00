import { z } from 'zod';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * The zod schemas are the single source of both validation and the OpenAPI document:
 * named request and response schemas are registered here and become
 * `#/components/schemas/<id>`. Requests are converted as the client writes them (zod's
 * input side: fields with defaults are optional), responses as the gateway sends them.
 */
const requests = z.registry<{ id: string; description?: string }>();
const responses = z.registry<{ id: string; description?: string }>();

export function requestSchema<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  requests.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

export function responseSchema<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  responses.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

/** A `$ref` to a registered schema; an inline schema for one that is not registered. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  const id = (io === 'input' ? requests : responses).get(schema)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` } as SchemaObject;
  return clean(z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }));
}

/** Every registered schema, for the document's `components.schemas`. */
export function openApiComponents(): Record<string, SchemaObject> {
  const convert = (registry: typeof requests, io: 'input' | 'output') =>
    z.toJSONSchema(registry, {
      target: 'openapi-3.0',
      io,
      unrepresentable: 'any',
      uri: (id) => `#/components/schemas/${id}`,
    }).schemas;
  const all = { ...convert(requests, 'input'), ...convert(responses, 'output') };
  return Object.fromEntries(Object.entries(all).map(([id, schema]) => [id, clean(schema)]));
}

/** JSON Schema keywords that OpenAPI 3.0 schema objects do not allow. */
function clean(schema: object): SchemaObject {
  const { $id: _id, $schema: _schema, id: _plainId, ...rest } = schema as Record<string, unknown>;
  return rest as SchemaObject;
}
