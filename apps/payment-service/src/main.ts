import './instrumentation';
import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { AppModule } from './app.module';
import { configSchema, SERVICE_NAME } from './config';
import { PrismaService } from './database/prisma.service';
import { MessagingService } from './messaging/messaging.service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(SERVICE_NAME, configSchema);
  await bootstrapGrpcService({
    name: SERVICE_NAME,
    config,
    module: AppModule.register(config),
    grpc: { service: 'payment' },
    // Ready once the database answers and the saga's commands are being consumed.
    readinessProbe: async (app) => {
      await app.get(PrismaService).ping();
      app.get(MessagingService).assertRunning();
    },
  });
}

void main();
