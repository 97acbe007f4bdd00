import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { PrismaService } from './database/prisma.service';

const NAME = 'notification-service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(NAME, configSchema);
  await bootstrapGrpcService({
    name: NAME,
    config,
    module: AppModule.register(config),
    grpc: { service: 'notification' },
    readinessProbe: (app) => app.get(PrismaService).ping(),
  });
}

void main();
