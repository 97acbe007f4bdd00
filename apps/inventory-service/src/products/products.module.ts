import { Module } from '@nestjs/common';
import { CatalogSeeder } from './catalog-seeder';
import { ProductsGrpcController } from './products.grpc-controller';
import { ProductsService } from './products.service';

/** The catalog and its stock levels (reservations join them next). */
@Module({
  controllers: [ProductsGrpcController],
  providers: [ProductsService, CatalogSeeder],
  exports: [CatalogSeeder],
})
export class ProductsModule {}
