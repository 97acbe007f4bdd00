import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { PrismaService } from './database/prisma.service';
import { CatalogSeeder } from './products/catalog-seeder';

const NAME = 'inventory-service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(NAME, configSchema);
  await bootstrapGrpcService({
    name: NAME,
    config,
    module: AppModule.register(config),
    grpc: { service: 'inventory' },
    // SERVING once the database answers and the demo catalog is in place.
    readinessProbe: async (app) => {
      await app.get(PrismaService).ping();
      await app.get(CatalogSeeder).ensureSeeded();
    },
  });
}

void main();
