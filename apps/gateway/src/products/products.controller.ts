import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Public, Roles } from '../auth/auth.decorators';
import { Backends } from '../backends/backends';
import { idParams, paginationQuery, toPagination } from '../common/pagination';
import { ApiJson, ApiProblems } from '../openapi/openapi';
import { Validate } from '../validation/validation';
import { toProduct } from './products.mapper';
import { createProductBody, productPageSchema, type ProductResponse, productSchema, restockBody } from './products.schemas';

@ApiTags('products')
@Controller('api/v1/products')
export class ProductsController {
  constructor(private readonly backends: Backends) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The catalog, one page at a time' })
  @Validate({ query: paginationQuery })
  @ApiJson(200, productPageSchema, 'one page of products')
  @ApiProblems(400)
  async list(@Query() query: z.output<typeof paginationQuery>): Promise<z.output<typeof productPageSchema>> {
    const { data, pagination } = await this.backends.inventory.call('listProducts', query, { idempotent: true });
    return { data: data.map(toProduct), pagination: toPagination(pagination, query) };
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One product' })
  @Validate({ params: idParams })
  @ApiJson(200, productSchema, 'the product')
  @ApiProblems(400, 404)
  async get(@Param() { id }: z.output<typeof idParams>): Promise<ProductResponse> {
    const { product } = await this.backends.inventory.call('getProduct', { id }, { idempotent: true });
    return toProduct(product);
  }

  @Post()
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a product with its initial stock (admin)' })
  @Validate({ body: createProductBody })
  @ApiJson(201, productSchema, 'the new product')
  @ApiProblems(400, 401, 403, 409, 413)
  async create(
    @Body() body: z.output<typeof createProductBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductResponse> {
    const { product } = await this.backends.inventory.call('createProduct', { ...body, description: body.description ?? '' });
    const created = toProduct(product);
    reply.header('Location', `/api/v1/products/${created.id}`);
    return created;
  }

  @Post(':id/restock')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add stock to a product (admin)' })
  @Validate({ params: idParams, body: restockBody })
  @ApiJson(200, productSchema, 'the product with its new stock')
  @ApiProblems(400, 401, 403, 404)
  async restock(
    @Param() { id }: z.output<typeof idParams>,
    @Body() { quantity }: z.output<typeof restockBody>,
  ): Promise<ProductResponse> {
    // Not idempotent: a retry after a lost answer would add the stock twice.
    const { product } = await this.backends.inventory.call('restockProduct', { id, quantity });
    return toProduct(product);
  }
}
