import { type ArgumentMetadata, applyDecorators, type PipeTransform, UsePipes } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import type { z } from 'zod';
import type { FieldError } from '@ecommerce/errors';
import { fieldName } from '@ecommerce/validation';
import { openApiSchema } from '../openapi/registry';
import { ProblemException } from '../problem-details/problem-details';

export interface RequestSchemas {
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
}

/**
 * Validates a route's whole `@Param()`, `@Query()` and `@Body()` objects with zod and
 * hands the handler the parsed value. Parsing builds a new object from the schema, so
 * fields a schema does not name (a client-sent price, status or userId) are dropped here
 * and never reach a backend.
 */
export class ZodValidationPipe implements PipeTransform {
  constructor(private readonly schemas: RequestSchemas) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const schema = this.schemaFor(metadata);
    if (!schema) return value;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    throw ProblemException.validation(fieldErrors(result.error, metadata.type === 'body' ? 'body' : metadata.type));
  }

  private schemaFor({ type, data }: ArgumentMetadata): z.ZodType | undefined {
    if (data !== undefined) return undefined; // only whole objects: @Body(), not @Body('x')
    if (type === 'body') return this.schemas.body;
    if (type === 'query') return this.schemas.query;
    if (type === 'param') return this.schemas.params;
    return undefined;
  }
}

/** `items[2].quantity` for the path ['items', 2, 'quantity']; `root` for the value itself. */
export function fieldErrors(error: z.ZodError, root: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? fieldName(issue.path) : root,
    message: issue.message,
  }));
}

/**
 * Declares what a route accepts, once: the schemas validate the request (400 with one
 * `{ field, message }` per broken rule) and describe it in the OpenAPI document.
 */
export function Validate(schemas: RequestSchemas): MethodDecorator {
  const decorators: MethodDecorator[] = [UsePipes(new ZodValidationPipe(schemas))];
  if (schemas.body) decorators.push(ApiBody({ schema: openApiSchema(schemas.body, 'input') }));
  for (const [name, field] of Object.entries(schemas.params?.shape ?? {})) {
    decorators.push(ApiParam({ name, required: true, schema: openApiSchema(field as z.ZodType, 'input') }));
  }
  for (const [name, field] of Object.entries(schemas.query?.shape ?? {})) {
    const schema = field as z.ZodType;
    decorators.push(
      ApiQuery({ name, required: !schema.safeParse(undefined).success, schema: openApiSchema(schema, 'input') }),
    );
  }
  return applyDecorators(...decorators);
}
