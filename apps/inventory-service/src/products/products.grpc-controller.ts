import { Controller, UseFilters } from '@nestjs/common';
import { inventoryV1 } from '@ecommerce/contracts';
import { parseRequest } from '@ecommerce/validation';
import { productErrors } from './products.errors';
import { ProductsService } from './products.service';
import {
  createProductSchema,
  listProductsSchema,
  productIdSchema,
  productsByIdsSchema,
  restockProductSchema,
} from './products.validation';

/** The InventoryService gRPC methods of the catalog: validate, delegate, wrap the answer. */
@Controller()
@inventoryV1.InventoryServiceControllerMethods()
@UseFilters(productErrors.Filter)
export class ProductsGrpcController implements inventoryV1.InventoryServiceController {
  constructor(private readonly products: ProductsService) {}

  async createProduct(
    request: inventoryV1.CreateProductRequest,
  ): Promise<inventoryV1.CreateProductResponse> {
    return { product: await this.products.create(parseRequest(createProductSchema, request)) };
  }

  async getProduct(
    request: inventoryV1.GetProductRequest,
  ): Promise<inventoryV1.GetProductResponse> {
    return { product: await this.products.get(parseRequest(productIdSchema, request).id) };
  }

  async listProducts(
    request: inventoryV1.ListProductsRequest,
  ): Promise<inventoryV1.ListProductsResponse> {
    return this.products.list(parseRequest(listProductsSchema, request));
  }

  async restockProduct(
    request: inventoryV1.RestockProductRequest,
  ): Promise<inventoryV1.RestockProductResponse> {
    return { product: await this.products.restock(parseRequest(restockProductSchema, request)) };
  }

  async getProductsByIds(
    request: inventoryV1.GetProductsByIdsRequest,
  ): Promise<inventoryV1.GetProductsByIdsResponse> {
    return this.products.getByIds(parseRequest(productsByIdsSchema, request).ids);
  }
}
