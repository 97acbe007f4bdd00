import './instrumentation';
import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { AppModule } from './app.module';
import { configSchema, SERVICE_NAME as NAME } from './config';
import { PrismaService } from './database/prisma.service';
import { Messaging } from './messaging/messaging';

async function main(): Promise<void> {
  const config = loadConfigOrExit(NAME, configSchema);
  await bootstrapGrpcService({
    name: NAME,
    config,
    module: AppModule.register(config),
    grpc: { service: 'order' },
    // Ready while its database answers and its Kafka side (outbox relay, reply consumer) runs.
    readinessProbe: async (app) => {
      await app.get(PrismaService).ping();
      app.get(Messaging, { strict: false }).assertRunning();
    },
  });
}

void main();
