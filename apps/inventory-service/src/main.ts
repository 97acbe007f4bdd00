import './instrumentation';
import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { AppModule } from './app.module';
import { configSchema, SERVICE_NAME as NAME } from './config';
import { PrismaService } from './database/prisma.service';
import { Messaging } from './messaging/messaging.service';
import { CatalogSeeder } from './products/catalog-seeder';

async function main(): Promise<void> {
  const config = loadConfigOrExit(NAME, configSchema);
  await bootstrapGrpcService({
    name: NAME,
    config,
    module: AppModule.register(config),
    grpc: { service: 'inventory' },
    // SERVING once the database answers, the demo catalog is in place and the saga's
    // messaging runs (it starts here, the first time the database and catalog are ready).
    readinessProbe: async (app) => {
      await app.get(PrismaService).ping();
      await app.get(CatalogSeeder).ensureSeeded();
      await app.get(Messaging).ensureRunning();
    },
  });
}

void main();
