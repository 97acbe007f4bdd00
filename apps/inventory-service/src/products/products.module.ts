import { Module } from '@nestjs/common';
import { CatalogSeeder } from './catalog-seeder';
import { ProductsGrpcController } from './products.grpc-controller';
import { ProductsRepository } from './products.repository';
import { ProductsService } from './products.service';

/** The catalog and its stock levels (reservations join them next). */
@Module({
  controllers: [ProductsGrpcController],
  providers: [ProductsRepository, ProductsService, CatalogSeeder],
  exports: [CatalogSeeder],
})
export class ProductsModule {}
