import './instrumentation';
import 'reflect-metadata';
import { loadConfigOrExit } from '@ecommerce/config';
import { bootstrapGrpcService } from '@ecommerce/grpc';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { PrismaService } from './database/prisma.service';
import { MessagingService } from './messaging/messaging.service';
import { SigningKeysService } from './tokens/signing-keys.service';
import { AdminSeed } from './users/admin-seed.service';

const NAME = 'user-service';

async function main(): Promise<void> {
  const config = loadConfigOrExit(NAME, configSchema);
  await bootstrapGrpcService({
    name: NAME,
    config,
    module: AppModule.register(config),
    grpc: { service: 'user' },
    // Ready once the database answers, a signing key is loaded, the admin exists and the outbox
    // relay runs. The first two
    // are done here rather than at boot, so a database that is down at start leaves the
    // service up and NOT_SERVING until it comes back, instead of crashing it.
    readinessProbe: async (app) => {
      await app.get(PrismaService).ping();
      await app.get(SigningKeysService).current();
      await app.get(AdminSeed).ensureSeeded();
      app.get(MessagingService).assertRunning();
    },
  });
}

void main();
