import './instrumentation';
import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { Messaging } from '@ecommerce/messaging';
import { AppModule } from './app.module';
import { configSchema, SERVICE_NAME } from './config';
import { PrismaService } from './database';
import { CatalogSeeder } from './products/catalog-seeder';

void bootstrapGrpcService({
  name: SERVICE_NAME,
  config: loadConfigOrExit(SERVICE_NAME, configSchema),
  module: AppModule,
  grpc: { service: 'inventory', shared: ['deadLetters'] },
  // SERVING while the database answers, the demo catalog is in place and the saga's
  // messaging runs.
  readiness: [PrismaService, CatalogSeeder, Messaging],
});
